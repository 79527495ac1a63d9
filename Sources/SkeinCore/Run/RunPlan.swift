/// The vocabulary between `RunPlanner` (which decides) and the engine (which does): the steps
/// it plans, the actions it asks for, and the answers the engine gives back.

/// One step of a run, as the planner hands it to the engine.
public struct PlannedStep: Sendable, Equatable {
    /// The step's number. Steps are numbered depth first in the order a walk meets them (a
    /// structure before its children, a `try` shape after its try part), so a run picked up
    /// again finds what an earlier pick-up recorded under the same numbers.
    public var sequence: Int
    public var shape: ShapeDefinition
    /// Where the step sits in the tree (`route-orders/uk/to-uk-erp`).
    public var path: String
    /// The payloads it receives, as slices of stored outputs.
    public var input: PayloadBucket
    /// Inside a `try` part: the shape runs payload by payload, and a payload that fails goes to
    /// the catch part instead of failing the run.
    public var inTry: Bool
    /// An earlier pick-up started this step and never finished it (its process died): it runs
    /// again with the same input, and its record says so.
    public var resumed: Bool

    public init(sequence: Int, shape: ShapeDefinition, path: String, input: PayloadBucket, inTry: Bool = false, resumed: Bool = false) {
        self.sequence = sequence
        self.shape = shape
        self.path = path
        self.input = input
        self.inTry = inTry
        self.resumed = resumed
    }
}

/// What the planner asks the engine to do next. Each action is answered with an `ActionResult`
/// passed to `RunPlanner.next(_:)`, except `finish`, which ends the run.
public enum RunAction: Sendable, Equatable {
    /// Record that the step starts, then answer `.done`; or, when a stop was asked for, record
    /// nothing and answer `.stopRequested`.
    case begin(PlannedStep)
    /// Run the step's shape (try number `attempt`) on all its input (`payload` nil) or, inside
    /// `try`, on the input payload at index `payload` alone. Answer `.succeeded` or `.failed`.
    case execute(PlannedStep, payload: Int?, attempt: Int)
    /// Wait `after`, then (unless a stop was asked for meanwhile: answer `.stopRequested`) run
    /// the shape again as `execute` would, try number `attempt`.
    case retry(PlannedStep, payload: Int?, attempt: Int, after: Duration)
    /// Decide which children of the route each input payload goes to. Answer `.routed`; or,
    /// outside `try`, `.failed` with the first condition that could not be evaluated.
    case route(PlannedStep, RouteBlock)
    /// Record how the step ended (with its output payloads, kept by the engine) and answer
    /// `.recorded(outputs:)` with how many outputs it stored.
    case record(PlannedStep, StepEnd)
    /// The run is over.
    case finish(RunEnd)
}

/// How a step ended, as the planner asks the engine to record it.
public enum StepEnd: Sendable, Equatable {
    /// The shape passed its payloads on after `attempts` tries (the most any payload took
    /// inside `try`). Inside `try`, `caught` lists the payloads that failed and went to catch.
    case succeeded(attempts: Int, caught: [CaughtFailure])
    /// `skip: true`: the input passes through unchanged.
    case skipped
    /// The shape failed. Outside `try` the run fails after this; inside `try` every payload
    /// failed (`caught` holds them all, and `failure` is the first) and the run goes on.
    case failed(ShapeFailure, attempts: Int, caught: [CaughtFailure])
    /// A stop was asked for while the step waited to be tried again.
    case stopped(reason: String, attempts: Int)
    /// A route's decision.
    case routed(RouteShares)
    /// A `branch` shape: each of its children gets the whole input, one after another.
    case branched
    /// A `try` shape after its try part: the payloads the try part lost, to be wrapped as
    /// `{"payload", "error"}` and passed to the catch part.
    case caught([CaughtPayload])
}

/// A payload that failed inside a `try` part.
public struct CaughtFailure: Sendable, Equatable {
    /// Its index in the step's input; nil when the step had no input at all.
    public var index: Int?
    public var failure: ShapeFailure

    public init(index: Int?, failure: ShapeFailure) {
        self.index = index
        self.failure = failure
    }
}

/// Which children of a route each payload went to.
public struct RouteShares: Sendable, Equatable {
    /// For each child of the route (`ShapeStructure.children` order), the input indexes it gets.
    public var children: [[Int]]
    /// Payloads no child took (mode `first`/`all` without `otherwise`): they go no further.
    public var unrouted: [Int]
    /// Inside `try`: payloads whose conditions could not be evaluated; they go to catch.
    public var caught: [CaughtFailure]

    public init(children: [[Int]], unrouted: [Int] = [], caught: [CaughtFailure] = []) {
        self.children = children
        self.unrouted = unrouted
        self.caught = caught
    }
}

/// A payload on its way from a failed step inside a `try` part to the `catch` part.
public struct CaughtPayload: Sendable, Equatable {
    /// The payload as the failing step received it; nil when the step had no input.
    public var ref: PayloadRef?
    /// The shape it failed in, and that shape's path.
    public var step: String
    public var path: String
    public var message: String

    public init(ref: PayloadRef?, step: String, path: String, message: String) {
        self.ref = ref
        self.step = step
        self.path = path
        self.message = message
    }
}

/// What the engine answers after carrying out an action.
public enum ActionResult: Sendable, Equatable {
    /// `begin` was recorded.
    case done
    /// A stop was asked for (answering `begin`, or `retry` after its wait).
    case stopRequested
    /// `execute` or `retry`: the shape succeeded (the engine keeps its outputs).
    case succeeded
    /// `execute` or `retry`: the shape failed; a route's condition failed outside `try`.
    case failed(ShapeFailure)
    /// `route`: the decision.
    case routed(RouteShares)
    /// `record`: the step is recorded with this many output payloads.
    case recorded(outputs: Int)
}

/// How a run ended.
public struct RunEnd: Sendable, Equatable {
    public var status: RunStatus
    /// Why it failed or stopped (naming the step), or that some payloads went to catch.
    public var error: String?
    public var failedShapeID: String?
    /// What the run passes on (its last top-level shape's outputs); empty unless it succeeded.
    public var outputs: PayloadBucket

    public init(status: RunStatus, error: String? = nil, failedShapeID: String? = nil, outputs: PayloadBucket = .empty) {
        self.status = status
        self.error = error
        self.failedShapeID = failedShapeID
        self.outputs = outputs
    }
}
