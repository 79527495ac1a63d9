import SkeinJSON

/// Starts runs of other deployed flows for a calling run. The engine implements it (SkeinEngine's
/// `ChildRunCaller`); the core only says what to start.
public protocol FlowCaller: Sendable {
    /// Runs `flowID` (its latest version, or `version`) with `payload` as its input, as a child of
    /// the calling run, waits for it to finish and returns its final payloads. Throws a
    /// `ShapeFailure` naming the child run when it does not succeed or takes longer than `timeout`.
    func call(flowID: String, version: Int?, payload: Payload, timeout: Duration, context: ShapeContext) async throws -> ChildRun
    /// Queues a run of `flowID` with `payload` for a worker and returns at once.
    func queue(flowID: String, version: Int?, payload: Payload, context: ShapeContext) async throws -> ChildRun
}

/// A run started by `run_flow`, and (when waited for) what it produced.
public struct ChildRun: Sendable {
    public var runID: RunID
    public var status: String
    public var outputs: [Payload]

    public init(runID: RunID, status: String, outputs: [Payload] = []) {
        self.runID = runID
        self.status = status
        self.outputs = outputs
    }
}

/// `run_flow`: calls another deployed flow once per payload.
///
/// ```yaml
/// run_flow:
///   flow: stock-to-warehouse   # the flow to call (deployed; its latest version unless version: is given)
///   wait: true                 # true: wait and pass its final payloads on; false: queue it, pass the input on
///   timeout: 5m                # with wait: how long one child run may take (default 5m)
/// ```
/// Each child run has trigger `flow` and links back to the calling run (`runs show` lists both ways).
/// A flow may not call itself or a flow that is calling it, and calls nest at most
/// `RunFlowShape.maximumDepth` deep.
public struct RunFlowShape: ShapeKind {
    public init() {}
    public var type: String { "run_flow" }
    public var summary: String { "Call another flow once per payload, waiting for its result or queueing it." }

    /// How deep `run_flow` calls may nest (a run started by a run started by a run …).
    public static let maximumDepth = 8

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let flow = settings.string("flow", required: true)
        if let flow, !FlowDecoder.isIdentifier(flow) { settings.report("flow", "'\(flow)' is not a flow id") }
        let version = settings.int("version", range: 1...1_000_000)
        let wait = settings.bool("wait") ?? true
        let timeout = settings.duration("timeout") ?? .seconds(300)
        if timeout <= .zero { settings.report("timeout", "must be more than 0") }
        if !wait && settings.has("timeout") { settings.report("timeout", "applies only with wait: true") }
        settings.finish()
        guard settings.problems.isEmpty, let flow else { return nil }
        return Executor(flowID: flow, version: version, wait: wait, timeout: timeout)
    }

    struct Executor: ShapeExecutor {
        let flowID: String
        let version: Int?
        let wait: Bool
        let timeout: Duration

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            guard let flows = context.flows else { throw ShapeFailure("run_flow: this process cannot start runs") }
            var outputs: [Payload] = []
            var children: [JSON] = []
            for payload in input {
                let child = wait
                    ? try await flows.call(flowID: flowID, version: version, payload: payload, timeout: timeout, context: context)
                    : try await flows.queue(flowID: flowID, version: version, payload: payload, context: context)
                children.append(["run": .number(Double(child.runID.rawValue)), "flow": .string(flowID), "status": .string(child.status)])
                outputs += wait ? child.outputs : [payload]
            }
            return ShapeResult(outputs: outputs, details: ["child_runs": .array(children)])
        }
    }
}
