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

    /// How deep `run_flow` calls may nest (a run started by a run started by a run …).
    public static let maximumDepth = 8

    public static let spec = ShapeSpec(
        type: "run_flow", category: .flowControl,
        summary: "Call another flow once per payload, waiting for its result or queueing it.",
        help: "A flow may not call itself or a flow that is calling it, and calls nest at most \(maximumDepth) deep.",
        settings: ObjectSpec(
            [
                FieldSpec(
                    "flow", .text(.flowRef, FlowSpec.identifier("'{value}' is not a flow id")), required: true,
                    help: "The deployed flow to call (it need not be enabled)."),
                FieldSpec("version", .integer(1...1_000_000), help: "Call this version of it instead of the latest."),
                FieldSpec(
                    "wait", .boolean, default: true,
                    help: "`true`: run the child now and pass on its final payloads; `false`: queue it for a worker and pass the input on."),
                FieldSpec(
                    "timeout", .duration(.positive), default: .duration(.seconds(300)),
                    help: "With `wait: true`: a child still running after this is asked to stop and the step fails."),
            ],
            rules: [
                .onlyWhen("timeout", .equals("wait", true), message: "applies only with wait: true")
            ]),
        example: """
            - id: send-each
              run_flow: { flow: send-one-order, wait: true, timeout: 5m }
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(
            flowID: settings.string("flow"), version: settings.optional.int("version"), wait: settings.bool("wait"),
            timeout: settings.duration("timeout"))
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
                let child =
                    wait
                    ? try await flows.call(flowID: flowID, version: version, payload: payload, timeout: timeout, context: context)
                    : try await flows.queue(flowID: flowID, version: version, payload: payload, context: context)
                children.append(["run": .number(Double(child.runID.rawValue)), "flow": .string(flowID), "status": .string(child.status)])
                outputs += wait ? child.outputs : [payload]
            }
            return ShapeResult(outputs: outputs, details: ["child_runs": .array(children)])
        }
    }
}
