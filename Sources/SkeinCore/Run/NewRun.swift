/// What to start: a flow version, how it was triggered, where it enters and its first payloads.
public struct NewRun: Sendable {
    public var flowID: String
    public var flowVersion: Int
    public var trigger: TriggerKind
    public var priority: Int
    /// The shape the run starts at; nil means the first shape.
    public var entryShapeID: String?
    public var input: [Payload]
    /// The run this one was replayed or retried from.
    public var originRunID: RunID?

    public init(
        flowID: String, flowVersion: Int, trigger: TriggerKind, priority: Int = 3, entryShapeID: String? = nil,
        input: [Payload] = [], originRunID: RunID? = nil
    ) {
        self.flowID = flowID
        self.flowVersion = flowVersion
        self.trigger = trigger
        self.priority = priority
        self.entryShapeID = entryShapeID
        self.input = input
        self.originRunID = originRunID
    }
}
