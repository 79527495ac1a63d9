/// Decides what a run does next, given what just happened. It performs no I/O: the engine
/// asks it for an `Action`, carries the action out, and reports the outcome back.
///
/// ```swift
/// var machine = RunStateMachine(shapes: flow.shapes, entryIndex: 0)
/// var action = machine.start()
/// // .execute(0) → run shape 0, then: action = machine.stepSucceeded()
/// ```
public struct RunStateMachine: Sendable {
    public enum Action: Sendable, Equatable {
        /// Run the shape at this index (attempt counts from 1).
        case execute(index: Int, attempt: Int)
        /// The shape is skipped: pass its input through and record it as skipped.
        case skip(index: Int)
        /// Wait, then run the shape again.
        case retry(index: Int, attempt: Int, after: Duration)
        /// The run is over.
        case finish(RunStatus, failedIndex: Int?, reason: String?)
    }

    let shapes: [ShapeDefinition]
    public private(set) var current: Int
    public private(set) var attempt = 1
    public private(set) var finished = false

    public init(shapes: [ShapeDefinition], entryIndex: Int) {
        self.shapes = shapes
        self.current = entryIndex
    }

    /// The first action of a run that starts (or resumes) at the entry shape.
    public mutating func start() -> Action { next(at: current) }

    /// The current step produced its payloads; move on.
    public mutating func stepSucceeded(outputCount: Int = 1) -> Action {
        next(at: current + 1)
    }

    /// The current step failed. Transient failures are retried while the shape's retry
    /// policy allows; anything else ends the run as a failure naming the step.
    public mutating func stepFailed(_ failure: ShapeFailure) -> Action {
        let policy = shapes[current].retry ?? .never
        if failure.isTransient && attempt < policy.attempts {
            let delay = policy.delay(after: attempt, retryAfter: failure.retryAfter)
            attempt += 1
            return .retry(index: current, attempt: attempt, after: delay)
        }
        finished = true
        let tries = attempt > 1 ? " (after \(attempt) attempts)" : ""
        return .finish(.failure, failedIndex: current, reason: "step '\(shapes[current].id)' failed\(tries): \(failure.message)")
    }

    /// Someone asked the run to stop: it ends before the next step starts.
    public mutating func stopRequested() -> Action {
        finished = true
        return .finish(.stopped, failedIndex: nil, reason: "stopped on request before step '\(current < shapes.count ? shapes[current].id : "end")'")
    }

    private mutating func next(at index: Int) -> Action {
        current = index
        attempt = 1
        guard index < shapes.count else {
            finished = true
            return .finish(.success, failedIndex: nil, reason: nil)
        }
        return shapes[index].skip ? .skip(index: index) : .execute(index: index, attempt: 1)
    }
}
