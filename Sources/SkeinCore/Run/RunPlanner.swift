/// Decides, step by step, what a run of a flow tree does: which step comes next and with which
/// payloads, whether a step runs, is skipped, is retried after a wait or is taken from an
/// earlier pick-up, which children of a route or branch run, what goes to a catch part, and how
/// the run ends. It performs no I/O and reads no clock: the engine asks it for a `RunAction`,
/// carries the action out, and answers with an `ActionResult`.
///
/// ```swift
/// var planner = RunPlanner(flow: flow, inputCount: 1)
/// var action = planner.start()            // .begin(step 1)
/// action = planner.next(.done)            // .execute(step 1, payload: nil, attempt: 1)
/// action = planner.next(.succeeded)       // .record(step 1, .succeeded(attempts: 1, caught: []))
/// action = planner.next(.recorded(outputs: 3))   // .begin(step 2), whose input is step 1's 3 outputs
/// ```
///
/// **Resuming.** Steps are numbered depth first in the order the walk meets them, so a run
/// picked up again (its worker died) is planned from the top with the records of the earlier
/// pick-ups (`previous`): a step recorded as finished is not planned again — its outputs, the
/// branches a route chose and the payloads it lost to catch are taken from its record — and the
/// first unfinished step runs again with the input it had (`PlannedStep.resumed`).
public struct RunPlanner: Sendable {
    private let previous: [Int: StepRecord]
    private var nextSequence = 1
    /// The walk's position: sequences being walked and the structures around them, innermost last.
    private var stack: [Frame] = []
    /// The payloads lost so far in each open `try` part, innermost last.
    private var scopes: [[CaughtPayload]] = []
    /// What a finished sequence or structure passes to the frame below it.
    private var returning: PayloadBucket?
    /// The step whose action is being carried out.
    private var inFlight: InFlight?
    private var caughtAny = false
    /// Set once the run is over; every later call returns it again.
    public private(set) var end: RunEnd?

    /// Plans a run of `flow` entering at the step `entry` leads to (nil: the first shape), with
    /// `inputCount` input payloads, after the steps earlier pick-ups recorded (`previous`).
    public init(flow: FlowDefinition, entry: [TreeHop]? = nil, inputCount: Int, previous: [StepRecord] = []) {
        self.previous = Dictionary(previous.map { ($0.sequence, $0) }, uniquingKeysWith: { $1 })
        pushSequence(
            flow.shapes, input: PayloadBucket(sequence: 0, count: inputCount), parentPath: nil, scope: nil,
            entry: entry.map { ArraySlice($0) } ?? [])
    }

    /// The run's first action.
    public mutating func start() -> RunAction { advance() }

    /// The next action, given how the last one went.
    public mutating func next(_ result: ActionResult) -> RunAction {
        if let end { return .finish(end) }
        guard let current = inFlight else { return unexpected(result, "no action was asked for") }
        inFlight = nil
        switch (current.stage, result) {
        case (.beginning, .stopRequested):
            return finish(.stopped, "stopped on request before step '\(current.step.shape.id)'")
        case (.beginning, .done):
            return begun(current)
        case (.executing, .succeeded):
            return nextPayload(current)
        case (.executing, .failed(let failure)):
            return failed(current, failure)
        case (.executing, .stopRequested):
            var stopping = current
            stopping.stage = .recording(
                .stopped(
                    reason: "stopped on request before step '\(current.step.shape.id)'",
                    attempts: max(current.attemptsMax, current.attempt - 1)))
            return ask(stopping)
        case (.routing, .routed(let shares)):
            var routed = current
            routed.stage = .recording(.routed(shares))
            return ask(routed)
        case (.routing, .failed(let failure)):
            var failing = current
            failing.stage = .recording(.failed(failure, attempts: 1, caught: []))
            return ask(failing)
        case (.recording(let ended), .recorded(let outputs)):
            return recorded(current, ended, outputs: outputs)
        default:
            inFlight = current
            return unexpected(result, "while waiting on step \(current.step.sequence)")
        }
    }

    // MARK: - The walk

    private struct SequenceFrame {
        var shapes: [ShapeDefinition]
        /// The next shape to walk.
        var next: Int
        /// What the next shape gets: the last shape's outputs.
        var current: PayloadBucket
        var parentPath: String?
        /// The innermost `try` part this sequence is in (an index into `scopes`).
        var scope: Int?
    }

    private struct ChildrenFrame {
        /// The structure's path; each child's is `path/name`.
        var path: String
        var children: [ChildSequence]
        /// What each child gets; nil: the child does not run (a route sent it nothing).
        var inputs: [PayloadBucket?]
        var next = 0
        /// The outputs of the children run so far, in child order: what the structure passes on.
        var joined = PayloadBucket.empty
        var scope: Int?
    }

    private enum Frame {
        case sequence(SequenceFrame)
        /// The children of a route or branch, run one after another.
        case children(ChildrenFrame)
        /// A try part running with scope `inner`; after it, the try shape's own step.
        case tryPart(shape: ShapeDefinition, block: TryBlock, path: String, inner: Int, outer: Int?)
        /// A catch part running; after it, the try shape passes on what its try part produced.
        case catchPart(tried: PayloadBucket)
    }

    /// Walks until an action is needed (or the run is over).
    private mutating func advance() -> RunAction {
        while let frame = stack.popLast() {
            switch frame {
            case .sequence(var sequence):
                if let value = returning {
                    sequence.current = value
                    returning = nil
                }
                guard sequence.next < sequence.shapes.count else {
                    returning = sequence.current
                    continue
                }
                let shape = sequence.shapes[sequence.next]
                sequence.next += 1
                stack.append(.sequence(sequence))
                if let action = walk(shape, input: sequence.current, parentPath: sequence.parentPath, scope: sequence.scope) {
                    return action
                }
            case .children(var children):
                if let value = returning {
                    children.joined = children.joined + value
                    returning = nil
                }
                while children.next < children.inputs.count, children.inputs[children.next] == nil { children.next += 1 }
                guard children.next < children.inputs.count, let input = children.inputs[children.next] else {
                    returning = children.joined
                    continue
                }
                let child = children.children[children.next]
                children.next += 1
                stack.append(.children(children))
                pushSequence(child.shapes, input: input, parentPath: "\(children.path)/\(child.name)", scope: children.scope, entry: [])
            case .tryPart(let shape, let block, let path, let inner, let outer):
                let tried = returning ?? .empty
                returning = nil
                let caught = scopes[inner]
                scopes.removeLast(scopes.count - inner)
                if let action = tryStep(shape, block, path: path, tried: tried, caught: caught, scope: outer) { return action }
            case .catchPart(let tried):
                returning = tried
            }
        }
        if let end { return .finish(end) }
        let outputs = returning ?? .empty
        returning = nil
        let status: RunStatus = caughtAny ? .partialSuccess : .success
        let ended = RunEnd(status: status, error: caughtAny ? "some payloads failed and went to a catch part" : nil, outputs: outputs)
        end = ended
        return .finish(ended)
    }

    /// Starts walking `shapes` with `input`; `entry` (a replay or retry inside the tree) starts
    /// at a later shape, possibly inside one of its children.
    private mutating func pushSequence(
        _ shapes: [ShapeDefinition], input: PayloadBucket, parentPath: String?, scope: Int?,
        entry: ArraySlice<TreeHop>
    ) {
        var frame = SequenceFrame(shapes: shapes, next: 0, current: input, parentPath: parentPath, scope: scope)
        guard let hop = entry.first, hop.index < shapes.count else {
            stack.append(.sequence(frame))
            return
        }
        frame.next = hop.index
        guard let child = hop.child else {
            stack.append(.sequence(frame))
            return
        }
        // Entering a structure at one of its children: the rest of that child runs (the
        // structure's own step does not), then whatever follows the structure.
        frame.next += 1
        stack.append(.sequence(frame))
        let shape = shapes[hop.index]
        guard let structure = shape.structure, child < structure.children.count else { return }
        let path = Self.path(shape, parentPath)
        let childSequence = structure.children[child]
        let childPath = "\(path)/\(childSequence.name)"
        if case .tryCatch(let block) = structure {
            if child == 1 {
                // Into the catch part: what follows the try gets nothing from it.
                stack.append(.catchPart(tried: .empty))
                pushSequence(block.catchShapes, input: input, parentPath: childPath, scope: scope, entry: entry.dropFirst())
            } else {
                scopes.append([])
                stack.append(.tryPart(shape: shape, block: block, path: path, inner: scopes.count - 1, outer: scope))
                pushSequence(block.tryShapes, input: input, parentPath: childPath, scope: scopes.count - 1, entry: entry.dropFirst())
            }
            return
        }
        pushSequence(childSequence.shapes, input: input, parentPath: childPath, scope: scope, entry: entry.dropFirst())
    }

    static func path(_ shape: ShapeDefinition, _ parentPath: String?) -> String {
        parentPath.map { "\($0)/\(shape.id)" } ?? shape.id
    }

    /// The next shape of a sequence: an action, or nil when it needs none (a step taken from an
    /// earlier pick-up, or a structure whose children come next).
    private mutating func walk(_ shape: ShapeDefinition, input: PayloadBucket, parentPath: String?, scope: Int?) -> RunAction? {
        let path = Self.path(shape, parentPath)
        guard let structure = shape.structure, !shape.skip else {
            switch claim(shape, path: path, input: input, scope: scope) {
            case .run(let step): return ask(InFlight(step: step, kind: .leaf, scope: scope))
            case .reuse(let record):
                returning = PayloadBucket(sequence: record.sequence, count: record.outputCount)
                return nil
            case .end(let action): return action
            }
        }
        switch structure {
        case .route(let block):
            switch claim(shape, path: path, input: input, scope: scope) {
            case .run(let step): return ask(InFlight(step: step, kind: .route(block), scope: scope))
            case .reuse(let record):
                let children = structure.children.map { child in
                    record.details?["children"]?.arrayValue?.first { $0["name"]?.stringValue == child.name }?["payloads"]?.arrayValue?
                        .compactMap(\.numberValue).map { Int($0) } ?? []
                }
                pushChildren(path: path, structure.children, shares: children, input: input, scope: scope)
                return nil
            case .end(let action): return action
            }
        case .branch(let children):
            switch claim(shape, path: path, input: input, scope: scope) {
            case .run(let step): return ask(InFlight(step: step, kind: .branch(children), scope: scope))
            case .reuse:
                stack.append(.children(ChildrenFrame(path: path, children: children, inputs: children.map { _ in input }, scope: scope)))
                return nil
            case .end(let action): return action
            }
        case .tryCatch(let block):
            scopes.append([])
            stack.append(.tryPart(shape: shape, block: block, path: path, inner: scopes.count - 1, outer: scope))
            pushSequence(block.tryShapes, input: input, parentPath: "\(path)/try", scope: scopes.count - 1, entry: [])
            return nil
        }
    }

    /// The route's children that got payloads, each with its share of `input`.
    private mutating func pushChildren(path: String, _ children: [ChildSequence], shares: [[Int]], input: PayloadBucket, scope: Int?) {
        let inputs: [PayloadBucket?] = children.indices.map { position in
            let share = position < shares.count ? shares[position] : []
            guard !share.isEmpty else { return nil }
            var bucket = PayloadBucket.empty
            for index in share { if let ref = input.ref(at: index) { bucket.append(ref) } }
            return bucket
        }
        stack.append(.children(ChildrenFrame(path: path, children: children, inputs: inputs, scope: scope)))
    }

    /// A `try` shape's own step, after its try part: it passes the payloads the part lost to
    /// the catch part. Nothing lost: it records that, and catch does not run.
    private mutating func tryStep(
        _ shape: ShapeDefinition, _ block: TryBlock, path: String, tried: PayloadBucket, caught: [CaughtPayload],
        scope: Int?
    ) -> RunAction? {
        var input = PayloadBucket.empty
        for item in caught { if let ref = item.ref { input.append(ref) } }
        switch claim(shape, path: path, input: input, scope: scope) {
        case .run(let step):
            return ask(InFlight(step: step, kind: .tryStep(block, tried: tried, caught: caught), scope: scope))
        case .reuse(let record):
            enterCatch(block, path: path, sequence: record.sequence, count: record.outputCount, tried: tried, scope: scope)
            return nil
        case .end(let action): return action
        }
    }

    private mutating func enterCatch(_ block: TryBlock, path: String, sequence: Int, count: Int, tried: PayloadBucket, scope: Int?) {
        guard count > 0 else {
            returning = tried
            return
        }
        caughtAny = true
        stack.append(.catchPart(tried: tried))
        pushSequence(block.catchShapes, input: PayloadBucket(sequence: sequence, count: count), parentPath: "\(path)/catch", scope: scope, entry: [])
    }

    // MARK: - Claiming step numbers

    private enum Claim {
        /// The step runs (for the first time, or again after an interrupted pick-up).
        case run(PlannedStep)
        /// An earlier pick-up finished it: take its record.
        case reuse(StepRecord)
        /// The run cannot go on.
        case end(RunAction)
    }

    /// The next step number for `shape`, and whether an earlier pick-up already did the step.
    private mutating func claim(_ shape: ShapeDefinition, path: String, input: PayloadBucket, scope: Int?) -> Claim {
        let sequence = nextSequence
        nextSequence += 1
        var step = PlannedStep(sequence: sequence, shape: shape, path: path, input: input, inTry: scope != nil)
        guard let record = previous[sequence] else { return .run(step) }
        guard record.shapeID == shape.id else {
            return .end(fail(shape.id, "cannot resume: step \(sequence) was '\(record.shapeID)' but the flow now has '\(shape.id)' there"))
        }
        switch record.status {
        case .running:
            step.resumed = true
            return .run(step)
        case .stopped:
            return .end(finish(.stopped, record.error ?? "stopped before step '\(shape.id)'"))
        case .failure where scope == nil:
            return .end(fail(shape.id, record.error.map { "step '\(shape.id)' failed: \($0)" } ?? "step '\(shape.id)' did not finish"))
        case .success, .skipped, .failure:
            // What the step lost to catch, as its record says (leaves and routes inside try).
            if let scope, shape.structure == nil || shape.type == "route", let caught = record.details?["caught"]?.arrayValue {
                for item in caught {
                    let index = item["index"]?.numberValue.map { Int($0) } ?? -1
                    scopes[scope].append(
                        CaughtPayload(
                            ref: index >= 0 ? input.ref(at: index) : nil, step: shape.id, path: path,
                            message: item["message"]?.stringValue ?? record.error ?? "failed"))
                }
            }
            return .reuse(record)
        }
    }

    // MARK: - Steps in flight

    private struct InFlight {
        enum Kind {
            case leaf
            case route(RouteBlock)
            case branch([ChildSequence])
            case tryStep(TryBlock, tried: PayloadBucket, caught: [CaughtPayload])
        }
        enum Stage {
            case beginning
            case executing
            case routing
            case recording(StepEnd)
        }
        var step: PlannedStep
        var kind: Kind
        var scope: Int?
        var stage = Stage.beginning
        /// The calls a leaf makes: one with every payload, or one per payload inside `try`
        /// (a payload index; nil for the one call of a `try` step that got no payloads).
        var items: [Int?] = [nil]
        var item = 0
        var attempt = 1
        var attemptsMax = 1
        var caught: [CaughtFailure] = []

        init(step: PlannedStep, kind: Kind, scope: Int?) {
            self.step = step
            self.kind = kind
            self.scope = scope
        }
    }

    /// Records `current` as in flight and returns the action its stage asks for.
    private mutating func ask(_ current: InFlight) -> RunAction {
        inFlight = current
        switch current.stage {
        case .beginning: return .begin(current.step)
        case .executing: return .execute(current.step, payload: current.items[current.item], attempt: current.attempt)
        case .routing:
            guard case .route(let block) = current.kind else { return unexpected(nil, "routing a step that is no route") }
            return .route(current.step, block)
        case .recording(let ended): return .record(current.step, ended)
        }
    }

    private mutating func begun(_ current: InFlight) -> RunAction {
        var next = current
        switch current.kind {
        case .leaf:
            if current.step.shape.skip {
                next.stage = .recording(.skipped)
            } else {
                let count = current.step.input.count
                next.items = current.step.inTry && count > 0 ? (0..<count).map { $0 } : [nil]
                next.stage = .executing
            }
        case .route: next.stage = .routing
        case .branch: next.stage = .recording(.branched)
        case .tryStep(_, _, let caught): next.stage = .recording(.caught(caught))
        }
        return ask(next)
    }

    /// After a call succeeded (or a payload was lost to catch): the next payload, or the step's end.
    private mutating func nextPayload(_ current: InFlight) -> RunAction {
        var next = current
        next.attemptsMax = max(next.attemptsMax, next.attempt)
        if next.item + 1 < next.items.count {
            next.item += 1
            next.attempt = 1
            return ask(next)
        }
        if let first = next.caught.first, next.caught.count == next.items.count {
            // Nothing got through: the step failed, but its payloads were caught and the run goes on.
            next.stage = .recording(.failed(first.failure, attempts: next.attemptsMax, caught: next.caught))
        } else {
            next.stage = .recording(.succeeded(attempts: next.attemptsMax, caught: next.caught))
        }
        return ask(next)
    }

    /// A call failed: retried while the shape's retry policy allows a transient failure; then,
    /// inside `try`, the payload goes to catch; outside, the step (and then the run) fails.
    private mutating func failed(_ current: InFlight, _ failure: ShapeFailure) -> RunAction {
        var next = current
        let policy = current.step.shape.retry ?? .never
        if failure.isTransient && current.attempt < policy.attempts {
            next.attempt += 1
            inFlight = next
            return .retry(
                next.step, payload: next.items[next.item], attempt: next.attempt,
                after: policy.delay(after: current.attempt, retryAfter: failure.retryAfter))
        }
        if current.step.inTry {
            next.caught.append(CaughtFailure(index: current.items[current.item], failure: failure))
            return nextPayload(next)
        }
        next.attemptsMax = max(next.attemptsMax, next.attempt)
        next.stage = .recording(.failed(failure, attempts: current.attempt, caught: []))
        return ask(next)
    }

    /// The step is recorded: the walk goes on from it.
    private mutating func recorded(_ current: InFlight, _ ended: StepEnd, outputs: Int) -> RunAction {
        let step = current.step
        switch (current.kind, ended) {
        case (_, .stopped(let reason, _)):
            return finish(.stopped, reason)
        case (_, .failed(let failure, let attempts, _)) where current.scope == nil:
            let tries = attempts > 1 ? " (after \(attempts) attempts)" : ""
            return fail(step.shape.id, "step '\(step.shape.id)' failed\(tries): \(failure.message)")
        case (.leaf, .failed(_, _, let caught)):
            lose(caught, of: step, scope: current.scope)
            returning = .empty
        case (.leaf, .succeeded(_, let caught)):
            lose(caught, of: step, scope: current.scope)
            returning = PayloadBucket(sequence: step.sequence, count: outputs)
        case (.leaf, .skipped):
            returning = PayloadBucket(sequence: step.sequence, count: outputs)
        case (.route, .routed(let shares)):
            lose(shares.caught, of: step, scope: current.scope)
            guard case .route(let block)? = step.shape.structure else { break }
            pushChildren(path: step.path, ShapeStructure.route(block).children, shares: shares.children, input: step.input, scope: current.scope)
        case (.branch(let children), .branched):
            stack.append(.children(ChildrenFrame(path: step.path, children: children, inputs: children.map { _ in step.input }, scope: current.scope)))
        case (.tryStep(let block, let tried, _), .caught):
            enterCatch(block, path: step.path, sequence: step.sequence, count: outputs, tried: tried, scope: current.scope)
        default:
            return unexpected(.recorded(outputs: outputs), "step \(step.sequence) cannot end that way")
        }
        return advance()
    }

    /// Adds payloads a step inside `try` lost to that `try`'s catch part.
    private mutating func lose(_ caught: [CaughtFailure], of step: PlannedStep, scope: Int?) {
        guard let scope, !caught.isEmpty else { return }
        scopes[scope] += caught.map { item in
            CaughtPayload(ref: item.index.flatMap { step.input.ref(at: $0) }, step: step.shape.id, path: step.path, message: item.failure.message)
        }
    }

    // MARK: - Ends

    private mutating func finish(_ status: RunStatus, _ reason: String?) -> RunAction {
        let ended = RunEnd(status: status, error: reason)
        end = ended
        inFlight = nil
        return .finish(ended)
    }

    private mutating func fail(_ shapeID: String, _ reason: String) -> RunAction {
        let ended = RunEnd(status: .failure, error: reason, failedShapeID: shapeID)
        end = ended
        inFlight = nil
        return .finish(ended)
    }

    /// An answer that does not fit the action asked: an engine bug. The run fails saying so
    /// rather than guessing.
    private mutating func unexpected(_ result: ActionResult?, _ context: String) -> RunAction {
        let ended = RunEnd(status: .failure, error: "the engine answered \(result.map { "\($0)" } ?? "nothing") \(context); the run cannot go on")
        end = ended
        inFlight = nil
        return .finish(ended)
    }
}
