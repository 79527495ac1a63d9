import Foundation
import SkeinCore
import SkeinJSON
import Testing

/// The run planner tested as values: each answer the engine would give, and the action the
/// planner asks for next. No store, no shapes run, no clock read.
@Suite struct RunPlannerTests {
    let flat = FlowDefinition(
        id: "flat", name: "flat",
        shapes: [
            ShapeDefinition(id: "a", type: "payload"),
            ShapeDefinition(id: "b", type: "split", skip: true),
            ShapeDefinition(id: "c", type: "http", retry: RetryPolicy(attempts: 3, backoff: .seconds(1), maximumBackoff: .seconds(3))),
        ])

    /// The planned step for shape `id` of `flow` (numbered `sequence`, receiving `input`).
    func step(_ flow: FlowDefinition, _ sequence: Int, _ id: String, _ input: PayloadBucket, inTry: Bool = false, resumed: Bool = false) throws -> PlannedStep {
        let shape = try #require(flow.shape(withID: id))
        return PlannedStep(sequence: sequence, shape: shape, path: try #require(flow.path(of: id)), input: input, inTry: inTry, resumed: resumed)
    }

    func outputs(of sequence: Int, _ count: Int) -> PayloadBucket { PayloadBucket(sequence: sequence, count: count) }

    func bucket(_ refs: (sequence: Int, start: Int, count: Int)...) -> PayloadBucket {
        var bucket = PayloadBucket.empty
        for ref in refs { bucket.append(PayloadRef(sequence: ref.sequence, start: ref.start, count: ref.count)) }
        return bucket
    }

    @Test func walksAFlatFlowSkippingAndRetryingTransientFailuresThenFailsNamingTheStep() throws {
        var planner = RunPlanner(flow: flat, inputCount: 1)
        let a = try step(flat, 1, "a", outputs(of: 0, 1))
        #expect(planner.start() == .begin(a))
        #expect(planner.next(.done) == .execute(a, payload: nil, attempt: 1))
        #expect(planner.next(.succeeded) == .record(a, .succeeded(attempts: 1, caught: [])))
        let b = try step(flat, 2, "b", outputs(of: 1, 2))
        #expect(planner.next(.recorded(outputs: 2)) == .begin(b))
        #expect(planner.next(.done) == .record(b, .skipped))
        let c = try step(flat, 3, "c", outputs(of: 2, 2))
        #expect(planner.next(.recorded(outputs: 2)) == .begin(c))
        #expect(planner.next(.done) == .execute(c, payload: nil, attempt: 1))
        let unavailable = ShapeFailure("HTTP 503", isTransient: true)
        #expect(planner.next(.failed(unavailable)) == .retry(c, payload: nil, attempt: 2, after: .seconds(1)))
        // The system's Retry-After wins over the policy's backoff.
        let later = ShapeFailure("HTTP 429", isTransient: true, retryAfter: .seconds(2))
        #expect(planner.next(.failed(later)) == .retry(c, payload: nil, attempt: 3, after: .seconds(2)))
        #expect(planner.next(.failed(unavailable)) == .record(c, .failed(unavailable, attempts: 3, caught: [])))
        #expect(
            planner.next(.recorded(outputs: 0))
                == .finish(
                    RunEnd(
                        status: .failure, error: "step 'c' failed (after 3 attempts): HTTP 503",
                        failedShapeID: "c")))
        // Over is over.
        #expect(planner.next(.succeeded) == .finish(RunEnd(status: .failure, error: "step 'c' failed (after 3 attempts): HTTP 503", failedShapeID: "c")))
    }

    @Test func aPermanentFailureIsNotRetriedAndSuccessPassesTheLastOutputsOn() throws {
        var failing = RunPlanner(flow: flat, entry: flat.hops(to: "c"), inputCount: 4)
        let c = try step(flat, 1, "c", outputs(of: 0, 4))
        #expect(failing.start() == .begin(c))
        #expect(failing.next(.done) == .execute(c, payload: nil, attempt: 1))
        let notFound = ShapeFailure("HTTP 404")
        #expect(failing.next(.failed(notFound)) == .record(c, .failed(notFound, attempts: 1, caught: [])))
        #expect(failing.next(.recorded(outputs: 0)) == .finish(RunEnd(status: .failure, error: "step 'c' failed: HTTP 404", failedShapeID: "c")))

        var succeeding = RunPlanner(flow: flat, entry: flat.hops(to: "c"), inputCount: 4)
        _ = succeeding.start()
        _ = succeeding.next(.done)
        _ = succeeding.next(.failed(ShapeFailure("HTTP 503", isTransient: true)))
        #expect(succeeding.next(.succeeded) == .record(c, .succeeded(attempts: 2, caught: [])))
        #expect(succeeding.next(.recorded(outputs: 4)) == .finish(RunEnd(status: .success, outputs: outputs(of: 1, 4))))
    }

    @Test func aStopEndsTheRunBeforeTheNextStepOrAfterARetryWait() throws {
        var planner = RunPlanner(flow: flat, inputCount: 1)
        _ = planner.start()
        _ = planner.next(.done)
        _ = planner.next(.succeeded)
        _ = planner.next(.recorded(outputs: 1))
        // Asked to stop before step 2 began: nothing more is recorded.
        #expect(planner.next(.stopRequested) == .finish(RunEnd(status: .stopped, error: "stopped on request before step 'b'")))

        var waiting = RunPlanner(flow: flat, entry: flat.hops(to: "c"), inputCount: 1)
        let c = try step(flat, 1, "c", outputs(of: 0, 1))
        _ = waiting.start()
        _ = waiting.next(.done)
        #expect(waiting.next(.failed(ShapeFailure("timeout", isTransient: true))) == .retry(c, payload: nil, attempt: 2, after: .seconds(1)))
        // Asked to stop during the wait: the step is recorded as stopped after the one try it had.
        #expect(waiting.next(.stopRequested) == .record(c, .stopped(reason: "stopped on request before step 'c'", attempts: 1)))
        #expect(waiting.next(.recorded(outputs: 0)) == .finish(RunEnd(status: .stopped, error: "stopped on request before step 'c'")))
    }

    @Test func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(attempts: 6, backoff: .seconds(1), maximumBackoff: .seconds(5))
        #expect((1...5).map { policy.delay(after: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    // MARK: - Trees

    let byCountry: FlowDefinition
    let guarded: FlowDefinition

    init() throws {
        byCountry = try FlowFile.decode(
            """
            id: by-country
            shapes:
              - id: each-order
                split: { path: orders }
              - id: route-orders
                route:
                  branches:
                    - { name: uk, condition: country = "GB", shapes: [ { id: uk-format, map: { fields: { ref: name } } } ] }
                    - { name: big, condition: total > 100, shapes: [ { id: big-format, map: { fields: { ref: name } } } ] }
                    - { name: eu, condition: country = "FR", shapes: [ { id: eu-format, map: { fields: { ref: name } } } ] }
                  otherwise: [ { id: rest-format, map: { fields: { ref: name } } } ]
              - id: all-out
                map: { fields: { ref: ref } }
            """)
        guarded = try FlowFile.decode(
            """
            id: guarded
            shapes:
              - id: each
                split: {}
              - id: guard
                try:
                  shapes:
                    - { id: send, map: { fields: { sku: sku } } }
                  catch:
                    - { id: report, map: { fields: { error: error.message } } }
              - id: after
                map: { fields: { sku: sku } }
            """)
    }

    /// Answers as an engine whose shapes all succeed, each passing on as many payloads as it
    /// got (or `outputs[shape id]`), and whose try steps pass on what they caught; returns the
    /// steps begun until an action it leaves to the test: a route's decision, or a call of a
    /// shape in `holding`.
    func runThrough(
        _ planner: inout RunPlanner, from action: RunAction, outputs: [String: Int] = [:],
        holding: Set<String> = []
    ) -> (steps: [PlannedStep], stoppedAt: RunAction) {
        var action = action
        var steps: [PlannedStep] = []
        while true {
            switch action {
            case .begin(let step):
                steps.append(step)
                action = planner.next(.done)
            case .execute(let step, _, _) where !holding.contains(step.shape.id):
                action = planner.next(.succeeded)
            case .record(let step, .succeeded), .record(let step, .skipped):
                action = planner.next(.recorded(outputs: outputs[step.shape.id] ?? step.input.count))
            case .record(_, .caught(let caught)):
                action = planner.next(.recorded(outputs: caught.count))
            case .record(_, .branched):
                action = planner.next(.recorded(outputs: 0))
            default:
                return (steps, action)
            }
        }
    }

    @Test func aRouteRunsEachChildThatGotPayloadsWithItsShareAndPassesTheJoinedOutputsOn() throws {
        var planner = RunPlanner(flow: byCountry, inputCount: 1)
        let route = try step(byCountry, 2, "route-orders", outputs(of: 1, 4))
        var (steps, action) = runThrough(&planner, from: planner.start(), outputs: ["each-order": 4])
        #expect(steps.map(\.path) == ["each-order", "route-orders"])
        #expect(
            action
                == .route(
                    route,
                    {
                        guard case .route(let block)? = route.shape.structure else { fatalError() }; return block
                    }()))
        // uk takes orders 0 and 1, big 0 and 2, eu none, otherwise 3.
        let shares = RouteShares(children: [[0, 1], [0, 2], [], [3]])
        #expect(planner.next(.routed(shares)) == .record(route, .routed(shares)))
        (steps, action) = runThrough(&planner, from: planner.next(.recorded(outputs: 0)))
        #expect(steps.map(\.sequence) == [3, 4, 5, 6])
        #expect(steps.map(\.path) == ["route-orders/uk/uk-format", "route-orders/big/big-format", "route-orders/otherwise/rest-format", "all-out"])
        #expect(
            steps.map(\.input) == [
                bucket((1, 0, 2)), bucket((1, 0, 1), (1, 2, 1)), bucket((1, 3, 1)),
                bucket((3, 0, 2), (4, 0, 2), (5, 0, 1)),
            ])
        #expect(action == .finish(RunEnd(status: .success, outputs: outputs(of: 6, 5))))
    }

    @Test func aBranchIsRecordedBeforeItsChildrenAndEachChildGetsTheWholeInput() throws {
        let flow = try FlowFile.decode(
            """
            id: fan-out
            shapes:
              - id: each
                split: {}
              - id: both
                branch:
                  branches:
                    - { name: erp, shapes: [ { id: to-erp, map: { fields: { a: a } } } ] }
                    - { name: crm, shapes: [ { id: to-crm, map: { fields: { a: a } } }, { id: crm-check, filter: { where: [ { field: a, exists: true } ] } } ] }
            """)
        var planner = RunPlanner(flow: flow, inputCount: 1)
        let (steps, end) = runThrough(&planner, from: planner.start())
        #expect(steps.map(\.path) == ["each", "both", "both/erp/to-erp", "both/crm/to-crm", "both/crm/crm-check"])
        #expect(steps.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(steps.map(\.input) == [outputs(of: 0, 1), outputs(of: 1, 1), outputs(of: 1, 1), outputs(of: 1, 1), outputs(of: 4, 1)])
        #expect(end == .finish(RunEnd(status: .success, outputs: bucket((3, 0, 1), (5, 0, 1)))))
    }

    @Test func insideTryEachPayloadIsTriedAloneAndThoseThatFailGoToCatchThenTheRunIsAPartialSuccess() throws {
        var planner = RunPlanner(flow: guarded, inputCount: 1)
        var (steps, action) = runThrough(&planner, from: planner.start(), outputs: ["each": 3], holding: ["send"])
        let send = try step(guarded, 2, "send", outputs(of: 1, 3), inTry: true)
        #expect(steps.last == send)
        // The first payload succeeds, the second fails for good, the third succeeds.
        #expect(action == .execute(send, payload: 0, attempt: 1))
        #expect(planner.next(.succeeded) == .execute(send, payload: 1, attempt: 1))
        let unknown = ShapeFailure("unknown SKU")
        #expect(planner.next(.failed(unknown)) == .execute(send, payload: 2, attempt: 1))
        let lost = [CaughtFailure(index: 1, failure: unknown)]
        #expect(planner.next(.succeeded) == .record(send, .succeeded(attempts: 1, caught: lost)))
        // The try shape's own step comes after its try part, with the lost payload as input.
        let guardStep = try step(guarded, 3, "guard", bucket((1, 1, 1)))
        #expect(planner.next(.recorded(outputs: 2)) == .begin(guardStep))
        let caught = [CaughtPayload(ref: PayloadRef(sequence: 1, start: 1, count: 1), step: "send", path: "guard/try/send", message: "unknown SKU")]
        #expect(planner.next(.done) == .record(guardStep, .caught(caught)))
        (steps, action) = runThrough(&planner, from: planner.next(.recorded(outputs: 1)))
        #expect(steps.map(\.path) == ["guard/catch/report", "after"])
        #expect(steps.map(\.input) == [outputs(of: 3, 1), outputs(of: 2, 2)])
        #expect(action == .finish(RunEnd(status: .partialSuccess, error: "some payloads failed and went to a catch part", outputs: outputs(of: 5, 2))))
    }

    @Test func whenEveryPayloadFailsInsideTryTheStepFailsButTheRunGoesOnAndNothingCaughtMeansNoCatch() throws {
        var planner = RunPlanner(flow: guarded, inputCount: 1)
        var (_, action) = runThrough(&planner, from: planner.start(), holding: ["send"])
        let send = try step(guarded, 2, "send", outputs(of: 1, 1), inTry: true)
        #expect(action == .execute(send, payload: 0, attempt: 1))
        let down = ShapeFailure("down")
        let lost = [CaughtFailure(index: 0, failure: down)]
        #expect(planner.next(.failed(down)) == .record(send, .failed(down, attempts: 1, caught: lost)))
        let guardStep = try step(guarded, 3, "guard", outputs(of: 1, 1))
        #expect(planner.next(.recorded(outputs: 0)) == .begin(guardStep))
        _ = planner.next(.done)
        (_, action) = runThrough(&planner, from: planner.next(.recorded(outputs: 1)))
        // `after` gets what the try part passed on: nothing.
        #expect(action == .finish(RunEnd(status: .partialSuccess, error: "some payloads failed and went to a catch part", outputs: .empty)))

        var clean = RunPlanner(flow: guarded, inputCount: 1)
        let (steps, end) = runThrough(&clean, from: clean.start())
        #expect(steps.map(\.path) == ["each", "guard/try/send", "guard", "after"])
        #expect(end == .finish(RunEnd(status: .success, outputs: outputs(of: 4, 1))))
    }

    // MARK: - Resuming and entering

    func record(_ sequence: Int, _ shapeID: String, _ status: StepStatus, outputs: Int = 0, error: String? = nil, details: JSON? = nil) -> StepRecord {
        StepRecord(
            runID: 7, sequence: sequence, shapeID: shapeID, shapeType: "map", status: status, startedAt: Date(timeIntervalSince1970: 0),
            finishedAt: nil, attempts: 1, inputCount: 0, inputBytes: 0, outputCount: outputs, outputBytes: 0, error: error,
            errorDetails: nil, warnings: [], calls: [], details: details)
    }

    @Test func aResumedRunTakesFinishedStepsFromTheirRecordsAndRunsTheInterruptedOneAgain() throws {
        let previous = [
            record(1, "each-order", .success, outputs: 4),
            record(
                2, "route-orders", .success,
                details: [
                    "children": [
                        ["name": "uk", "payloads": [0, 1]], ["name": "big", "payloads": [2]],
                        ["name": "otherwise", "payloads": [3]],
                    ]
                ]),
            record(3, "uk-format", .success, outputs: 2),
            record(4, "big-format", .running),
        ]
        var planner = RunPlanner(flow: byCountry, inputCount: 1, previous: previous)
        // Nothing finished is planned again: the first action is the interrupted step, with the share the route recorded.
        let big = try step(byCountry, 4, "big-format", bucket((1, 2, 1)), resumed: true)
        #expect(planner.start() == .begin(big))
        let (steps, end) = runThrough(&planner, from: planner.next(.done))
        #expect(steps.map(\.path) == ["route-orders/otherwise/rest-format", "all-out"])
        #expect(steps.last?.input == bucket((3, 0, 2), (4, 0, 1), (5, 0, 1)))
        #expect(end == .finish(RunEnd(status: .success, outputs: outputs(of: 6, 4))))
    }

    @Test func aResumeEndsAsTheRecordsSayOrRefusesAFlowThatChangedUnderIt() {
        var stopped = RunPlanner(
            flow: flat, inputCount: 1, previous: [record(1, "a", .success, outputs: 1), record(2, "b", .stopped, error: "stopped by ops")])
        #expect(stopped.start() == .finish(RunEnd(status: .stopped, error: "stopped by ops")))

        var failed = RunPlanner(flow: flat, inputCount: 1, previous: [record(1, "a", .failure, error: "bad input")])
        #expect(failed.start() == .finish(RunEnd(status: .failure, error: "step 'a' failed: bad input", failedShapeID: "a")))

        var changed = RunPlanner(flow: flat, inputCount: 1, previous: [record(1, "a", .success, outputs: 1), record(2, "old-shape", .running)])
        #expect(
            changed.start()
                == .finish(
                    RunEnd(
                        status: .failure, error: "cannot resume: step 2 was 'old-shape' but the flow now has 'b' there",
                        failedShapeID: "b")))
    }

    @Test func aResumeInsideTryKeepsWhatFinishedStepsLostToCatch() throws {
        let previous = [
            record(1, "each", .success, outputs: 2),
            record(2, "send", .success, outputs: 1, details: ["caught": [["index": 0, "message": "unknown SKU"]]]),
        ]
        var planner = RunPlanner(flow: guarded, inputCount: 1, previous: previous)
        let guardStep = try step(guarded, 3, "guard", bucket((1, 0, 1)))
        #expect(planner.start() == .begin(guardStep))
        #expect(
            planner.next(.done)
                == .record(
                    guardStep,
                    .caught([
                        CaughtPayload(ref: PayloadRef(sequence: 1, start: 0, count: 1), step: "send", path: "guard/try/send", message: "unknown SKU")
                    ])))
    }

    @Test func aRunEnteringInsideARouteRunsTheRestOfThatChildThenWhatFollowsTheRoute() throws {
        var planner = RunPlanner(flow: byCountry, entry: byCountry.hops(to: "big-format"), inputCount: 2)
        let (steps, end) = runThrough(&planner, from: planner.start())
        #expect(steps.map(\.path) == ["route-orders/big/big-format", "all-out"])
        #expect(steps.map(\.input) == [outputs(of: 0, 2), outputs(of: 1, 2)])
        #expect(end == .finish(RunEnd(status: .success, outputs: outputs(of: 2, 2))))

        // Entering a catch part: what follows the try gets nothing from it.
        var inCatch = RunPlanner(flow: guarded, entry: guarded.hops(to: "report"), inputCount: 1)
        let (caught, ended) = runThrough(&inCatch, from: inCatch.start())
        #expect(caught.map(\.path) == ["guard/catch/report", "after"])
        #expect(caught.map(\.input) == [outputs(of: 0, 1), .empty])
        #expect(ended == .finish(RunEnd(status: .success, outputs: .empty)))
    }
}
