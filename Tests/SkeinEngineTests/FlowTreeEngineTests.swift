import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

/// A test shape that stands in for a process killed mid-step the first `crashes` times it is
/// called (it throws `CancellationError`, which leaves the step recorded as running, exactly as
/// a `kill -9` does), then passes its input on. It counts its calls.
struct CrashingShape: ShapeKind {
    let crashes: Int
    let calls: FlakyShape.Calls
    var spec: ShapeSpec { ShapeSpec(type: "crashing", category: .data, summary: "dies mid-step, then works", settings: ObjectSpec([])) }

    func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(crashes: crashes, calls: calls)
    }

    struct Executor: ShapeExecutor {
        let crashes: Int
        let calls: FlakyShape.Calls
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            let call = calls.count.withLock { value -> Int in
                value += 1; return value
            }
            if call <= crashes { throw CancellationError() }
            return ShapeResult(outputs: input)
        }
    }
}

/// A destination that refuses stock updates for SKUs it does not know (a permanent failure).
struct WarehouseShape: ShapeKind {
    let calls: FlakyShape.Calls
    var spec: ShapeSpec { ShapeSpec(type: "warehouse", category: .data, summary: "accepts known SKUs", settings: ObjectSpec([])) }

    func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(calls: calls)
    }

    struct Executor: ShapeExecutor {
        let calls: FlakyShape.Calls
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            for (index, payload) in input.enumerated() {
                calls.count.withLock { $0 += 1 }
                let document = try payload.document(index: index)
                guard document["sku"]?.stringValue?.hasPrefix("UNKNOWN") == false else {
                    throw ShapeFailure("warehouse rejected payload \(index): unknown SKU \(document["sku"]?.stringValue ?? "?")")
                }
                outputs.append(Payload(json: ["accepted": document["sku"] ?? .null]))
            }
            return ShapeResult(outputs: outputs)
        }
    }
}

@Suite struct FlowTreeEngineTests {
    let logger = Logger(label: "test")

    static let orders: JSON = [
        "orders": [
            ["name": "#1001", "shipping_address": ["country_code": "GB"], "line_items": [["sku": "MUG-RED", "quantity": 10, "price": "12.50"]]],
            ["name": "#1002", "shipping_address": ["country_code": "GB"], "line_items": [["sku": "MUG-RED", "quantity": 1, "price": "12.50"]]],
            ["name": "#1003", "shipping_address": ["country_code": "FR"], "line_items": [["sku": "LAMP", "quantity": 2, "price": "80.00"]]],
            ["name": "#1004", "shipping_address": ["country_code": "DE"], "line_items": [["sku": "CARD", "quantity": 1, "price": "3.00"]]],
        ]
    ]

    func start(_ text: String, catalog: ShapeCatalog, input: [Payload], store: MemoryStore) async throws -> RunRecord {
        let definition = try FlowFile.decode(text, catalog: catalog)
        let flow = try await store.deploy(definition, source: text, now: Date()).flow
        return try await store.startClaimed(
            NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: input),
            owner: "t", leaseUntil: Date() + 60, now: Date())
    }

    func executor(_ store: MemoryStore, _ catalog: ShapeCatalog) -> RunExecutor {
        RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger)
    }

    func json(_ payloads: [Payload]) throws -> [JSON] { try payloads.map { try $0.json() } }

    @Test func routeSendsEachOrderDownItsBranchesAndRecordsWhichOnesItTook() async throws {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let run = try await start(
            """
            id: by-country
            shapes:
              - id: each-order
                split: { path: orders }
              - id: route-orders
                route:
                  branches:
                    - name: uk
                      condition: shipping_address.country_code = "GB"
                      shapes: [ { id: uk-format, map: { fields: { ref: name, via: { value: uk } } } } ]
                    - name: big
                      condition: $sum(line_items.(quantity * $number(price))) > 100
                      shapes: [ { id: big-format, map: { fields: { ref: name, via: { value: big } } } } ]
                  otherwise: [ { id: rest-format, map: { fields: { ref: name, via: { value: rest } } } } ]
              - id: all-out
                map: { keep_unmapped: true, fields: { seen: { value: true } } }
            """, catalog: catalog, input: [Payload(json: Self.orders)], store: store)
        #expect(try await executor(store, catalog).execute(run) == .success)
        let steps = try await store.steps(runID: run.id)
        #expect(
            steps.map(\.path) == [
                "each-order", "route-orders", "route-orders/uk/uk-format", "route-orders/big/big-format",
                "route-orders/otherwise/rest-format", "all-out",
            ])
        #expect(steps.map(\.inputCount) == [1, 4, 2, 2, 1, 5])
        let route = steps[1].details
        #expect(
            route?["children"] == [
                ["name": "uk", "payloads": [0, 1]], ["name": "big", "payloads": [0, 2]],
                ["name": "otherwise", "payloads": [3]],
            ])
        // The route passes on its branches' outputs joined, in branch order.
        let final = try json(try await store.payloads(of: StepID(run: run.id, sequence: 6)))
        #expect(final.map { $0["ref"]?.stringValue ?? "" } == ["#1001", "#1002", "#1001", "#1003", "#1004"])
        #expect(final.map { $0["via"]?.stringValue ?? "" } == ["uk", "uk", "big", "big", "rest"])
    }

    @Test func routeModeFirstWithoutOtherwiseStopsUnmatchedOrdersWithAWarning() async throws {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let run = try await start(
            """
            id: first-match
            shapes:
              - id: each-order
                split: { path: orders }
              - id: route-orders
                route:
                  mode: first
                  branches:
                    - { name: uk, condition: 'shipping_address.country_code = "GB"', shapes: [ { id: uk, map: { fields: { ref: name } } } ] }
                    - { name: big, condition: '$sum(line_items.(quantity * $number(price))) > 100', shapes: [ { id: big, map: { fields: { ref: name } } } ] }
            """, catalog: catalog, input: [Payload(json: Self.orders)], store: store)
        #expect(try await executor(store, catalog).execute(run) == .success)
        let steps = try await store.steps(runID: run.id)
        #expect(steps[1].details?["children"] == [["name": "uk", "payloads": [0, 1]], ["name": "big", "payloads": [2]]])
        #expect(steps[1].details?["unrouted"] == [3])
        #expect(steps[1].warnings == ["1 payload matched no branch and went no further (payloads 3); add otherwise: to handle them"])
        #expect(try json(try await store.payloads(of: StepID(run: run.id, sequence: 3))).map { $0["ref"] } == ["#1001", "#1002"])
    }

    @Test func branchRunsEachPathOneAfterAnotherWithTheSameInput() async throws {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let stock: JSON = ["levels": [["sku": "MUG-RED", "on_hand": 4], ["sku": "LAMP", "on_hand": 0]]]
        let run = try await start(
            """
            id: stock-fan-out
            shapes:
              - id: each-level
                split: { path: levels }
              - id: fan-out
                branch:
                  branches:
                    - name: shop
                      shapes: [ { id: to-shop, map: { fields: { variant_sku: sku, available: on_hand } } } ]
                    - name: marketplace
                      shapes:
                        - { id: in-stock, filter: { condition: on_hand > 0 } }
                        - { id: to-market, map: { fields: { item: sku, qty: on_hand } } }
            """, catalog: catalog, input: [Payload(json: stock)], store: store)
        #expect(try await executor(store, catalog).execute(run) == .success)
        let steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.path) == ["each-level", "fan-out", "fan-out/shop/to-shop", "fan-out/marketplace/in-stock", "fan-out/marketplace/to-market"])
        #expect(steps.map(\.inputCount) == [1, 2, 2, 2, 1])
        #expect(try json(try await store.payloads(of: StepID(run: run.id, sequence: 5))) == [["item": "MUG-RED", "qty": 4]])
    }

    @Test func tryCatchSendsTheFailingPayloadsToCatchAndTheRunEndsPartialSuccess() async throws {
        let store = MemoryStore()
        let calls = FlakyShape.Calls()
        var catalog = ShapeCatalog()
        catalog.register(WarehouseShape(calls: calls))
        let levels: JSON = [["sku": "MUG-RED", "on_hand": 4], ["sku": "UNKNOWN-9", "on_hand": 1], ["sku": "LAMP", "on_hand": 0]]
        let run = try await start(
            """
            id: stock-to-warehouse
            shapes:
              - id: each-level
                split: {}
              - id: safe-send
                try:
                  shapes:
                    - id: to-warehouse
                      warehouse: {}
                  catch:
                    - id: park
                      map: { fields: { sku: payload.sku, step: error.step, reason: error.message } }
              - id: after
                map: { keep_unmapped: true, fields: { done: { value: true } } }
            """, catalog: catalog, input: [Payload(json: levels)], store: store)
        #expect(try await executor(store, catalog).execute(run) == .partialSuccess)
        let record = try #require(try await store.run(id: run.id))
        #expect(record.status == .partialSuccess)
        let steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.path) == ["each-level", "safe-send/try/to-warehouse", "safe-send", "safe-send/catch/park", "after"])
        #expect(steps[1].status == .success)
        #expect(steps[1].outputCount == 2)
        #expect(steps[1].details?["caught"] == [["index": 1, "message": "warehouse rejected payload 0: unknown SKU UNKNOWN-9"]])
        // The try step's outputs are the failed payloads with their error: the catch part's input.
        #expect(
            try json(try await store.payloads(of: StepID(run: run.id, sequence: 3))) == [
                [
                    "payload": ["sku": "UNKNOWN-9", "on_hand": 1],
                    "error": ["step": "to-warehouse", "path": "safe-send/try/to-warehouse", "message": "warehouse rejected payload 0: unknown SKU UNKNOWN-9"],
                ]
            ])
        #expect(
            try json(try await store.payloads(of: StepID(run: run.id, sequence: 4))) == [
                [
                    "sku": "UNKNOWN-9", "step": "to-warehouse", "reason": "warehouse rejected payload 0: unknown SKU UNKNOWN-9",
                ]
            ])
        // The good levels went on past the try; the catch part is a dead end.
        #expect(
            try json(try await store.payloads(of: StepID(run: run.id, sequence: 5))) == [
                ["accepted": "MUG-RED", "done": true], ["accepted": "LAMP", "done": true],
            ])
        #expect(calls.count.withLock { $0 } == 3)
    }

    @Test func aFailureOutsideTryStillFailsTheRunAndAFailureInCatchIsNotCaughtAgain() async throws {
        let store = MemoryStore()
        var catalog = ShapeCatalog()
        catalog.register(WarehouseShape(calls: FlakyShape.Calls()))
        let run = try await start(
            """
            id: catch-fails
            shapes:
              - id: safe-send
                try:
                  shapes: [ { id: to-warehouse, warehouse: {} } ]
                  catch: [ { id: must-have-sku, assert: { that: [ { field: payload.sku, equals: MUG } ] } } ]
            """, catalog: catalog, input: [Payload(json: ["sku": "UNKNOWN-1"])], store: store)
        #expect(try await executor(store, catalog).execute(run) == .failure)
        let record = try #require(try await store.run(id: run.id))
        #expect(record.failedShapeID == "must-have-sku")
        let steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.status) == [.failure, .success, .failure])  // to-warehouse caught; the catch part failed
    }

    @Test func aRunKilledInsideARouteBranchResumesWithoutRepeatingFinishedSteps() async throws {
        let store = MemoryStore()
        let sent = FlakyShape.Calls()
        let crashing = FlakyShape.Calls()
        var catalog = ShapeCatalog()
        catalog.register(WarehouseShape(calls: sent))
        catalog.register(CrashingShape(crashes: 1, calls: crashing))
        let levels: JSON = [
            ["sku": "MUG-RED", "on_hand": 4, "site": "uk"], ["sku": "LAMP", "on_hand": 9, "site": "eu"],
            ["sku": "CARD", "on_hand": 2, "site": "uk"],
        ]
        let run = try await start(
            """
            id: stock-by-site
            shapes:
              - id: each-level
                split: {}
              - id: by-site
                route:
                  branches:
                    - name: uk
                      condition: site = "uk"
                      shapes:
                        - { id: uk-send, warehouse: {} }
                    - name: eu
                      condition: site = "eu"
                      shapes:
                        - { id: eu-prepare, crashing: {} }
                        - { id: eu-send, warehouse: {} }
            """, catalog: catalog, input: [Payload(json: levels)], store: store)
        await #expect(throws: CancellationError.self) { try await executor(store, catalog).execute(run) }
        var steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.status) == [.success, .success, .success, .running])
        #expect(sent.count.withLock { $0 } == 2)

        // Another pick-up after the lease expired: the uk branch is not sent again.
        let again = try #require(try await store.claimRuns(owner: "w2", limit: 1, leaseUntil: Date() + 60, now: Date() + 120).first)
        #expect(again.id == run.id)
        #expect(try await executor(store, catalog).execute(again) == .success)
        steps = try await store.steps(runID: run.id)
        #expect(steps.map(\.path) == ["each-level", "by-site", "by-site/uk/uk-send", "by-site/eu/eu-prepare", "by-site/eu/eu-send"])
        #expect(steps[3].warnings == ["resumed after the process running this step stopped (pick-up 2)"])
        #expect(sent.count.withLock { $0 } == 3)
        #expect(try json(try await store.payloads(of: StepID(run: run.id, sequence: 5))) == [["accepted": "LAMP"]])
    }

    @Test func retryingAFailedStepInsideABranchFeedsItTheBranchShareNotThePreviousStep() async throws {
        let store = MemoryStore()
        var catalog = ShapeCatalog()
        catalog.register(WarehouseShape(calls: FlakyShape.Calls()))
        let levels: JSON = [["sku": "MUG-RED", "site": "uk"], ["sku": "UNKNOWN-7", "site": "eu"], ["sku": "LAMP", "site": "eu"]]
        let run = try await start(
            """
            id: retry-in-branch
            shapes:
              - id: each-level
                split: {}
              - id: by-site
                route:
                  branches:
                    - { name: uk, condition: site = "uk", shapes: [ { id: uk-send, warehouse: {} } ] }
                    - { name: eu, condition: site = "eu", shapes: [ { id: eu-send, warehouse: {} } ] }
            """, catalog: catalog, input: [Payload(json: levels)], store: store)
        #expect(try await executor(store, catalog).execute(run) == .failure)
        #expect(try await store.run(id: run.id)?.failedShapeID == "eu-send")

        let retry = try await RunRecovery(store: store).retry(runID: run.id)
        #expect(retry.entryShapeID == "eu-send")
        #expect(try json(retry.input) == [["sku": "UNKNOWN-7", "site": "eu"], ["sku": "LAMP", "site": "eu"]])

        // The retry enters the flow inside the eu branch and runs only the rest of that path.
        let retried = try await store.startClaimed(retry, owner: "t", leaseUntil: Date() + 60, now: Date())
        #expect(try await executor(store, catalog).execute(retried) == .failure)
        #expect(try await store.steps(runID: retried.id).map(\.path) == ["by-site/eu/eu-send"])

        // The uk branch's last step has nothing after it: a replay of its output says so.
        await #expect(throws: RecoveryError.self) {
            try await RunRecovery(store: store).replay(RunRecovery.Replay(runID: run.id, sequence: 3))
        }
        // A replay of one split order enters at the route, which routes it again.
        let replay = try await RunRecovery(store: store).replay(RunRecovery.Replay(runID: run.id, sequence: 1, index: 0))
        #expect(replay.entryShapeID == "by-site")
        let replayed = try await store.startClaimed(replay, owner: "t", leaseUntil: Date() + 60, now: Date())
        #expect(try await executor(store, catalog).execute(replayed) == .success)
        #expect(try await store.steps(runID: replayed.id).map(\.path) == ["by-site", "by-site/uk/uk-send"])
    }
}

@Suite struct RunFlowEngineTests {
    let logger = Logger(label: "test")

    func deploy(_ text: String, _ store: MemoryStore) async throws -> DeployedFlow {
        try await store.deploy(try FlowFile.decode(text), source: text, now: Date()).flow
    }

    @Test func aWaitingCallPassesOnTheChildRunsPayloadsAndLinksBothRuns() async throws {
        let store = MemoryStore()
        _ = try await deploy(
            """
            id: price-order
            shapes:
              - id: total
                map: { fields: { order: name, total: '$sum(line_items.(quantity * $number(price)))' } }
            """, store)
        let parent = try await deploy(
            """
            id: orders
            shapes:
              - id: each-order
                split: { path: orders }
              - id: price
                run_flow: { flow: price-order, wait: true, timeout: 30s }
            """, store)
        let run = try await store.startClaimed(
            NewRun(flowID: "orders", flowVersion: parent.version, trigger: .manual, input: [Payload(json: FlowTreeEngineTests.orders)]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: ShapeCatalog(), instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .success)
        let totals = try await store.payloads(of: StepID(run: run.id, sequence: 2)).map { try $0.json() }
        #expect(
            totals == [
                ["order": "#1001", "total": 125], ["order": "#1002", "total": 12.5], ["order": "#1003", "total": 160],
                ["order": "#1004", "total": 3],
            ])
        let children = try await store.runs(RunQuery(originRunID: run.id))
        #expect(children.count == 4)
        #expect(children.allSatisfy { $0.trigger == .flow && $0.flowID == "price-order" && $0.status == .success })
        let step = try #require(try await store.steps(runID: run.id).last)
        #expect(step.details?["shape"]?["child_runs"]?.arrayValue?.count == 4)
    }

    @Test func aQueuedCallReturnsAtOnceAndPassesTheInputOn() async throws {
        let store = MemoryStore()
        _ = try await deploy("id: notify-stock\nshapes:\n  - id: a\n    map: { fields: { sku: sku } }\n", store)
        let parent = try await deploy("id: levels\nshapes:\n  - id: later\n    run_flow: { flow: notify-stock, wait: false }\n", store)
        let run = try await store.startClaimed(
            NewRun(
                flowID: "levels", flowVersion: parent.version, trigger: .manual,
                input: [Payload(json: ["sku": "MUG-RED", "on_hand": 3])]), owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: ShapeCatalog(), instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .success)
        #expect(try await store.payloads(of: StepID(run: run.id, sequence: 1)).map { try $0.json() } == [["sku": "MUG-RED", "on_hand": 3]])
        let child = try #require(try await store.runs(RunQuery(originRunID: run.id)).first)
        #expect(child.status == .queued)
        #expect(child.trigger == .flow)
    }

    @Test func aFlowThatCallsItselfFailsInsteadOfRecursing() async throws {
        let store = MemoryStore()
        _ = try await deploy("id: ping\nshapes:\n  - id: call-pong\n    run_flow: { flow: pong }\n", store)
        let pong = try await deploy("id: pong\nshapes:\n  - id: call-ping\n    run_flow: { flow: ping }\n", store)
        let run = try await store.startClaimed(
            NewRun(flowID: "pong", flowVersion: pong.version, trigger: .manual, input: [Payload(json: 1)]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: ShapeCatalog(), instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .failure)
        let record = try #require(try await store.run(id: run.id))
        // pong → ping → pong is refused in ping's run, which fails, so pong's call fails naming it.
        #expect(record.error?.contains("run_flow: run") == true)
        let ping = try #require(try await store.runs(RunQuery(originRunID: run.id)).first)
        #expect(ping.error?.contains("flow 'pong' is already running in this chain of calls (pong → ping → pong)") == true)
    }

    @Test func aMissingFlowIsAClearStepError() async throws {
        let store = MemoryStore()
        let flow = try await deploy("id: caller\nshapes:\n  - id: call\n    run_flow: { flow: not-deployed }\n", store)
        let run = try await store.startClaimed(
            NewRun(flowID: "caller", flowVersion: flow.version, trigger: .manual, input: [Payload(json: 1)]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: ShapeCatalog(), instances: FixedInstances([]), logger: logger)
        #expect(try await executor.execute(run) == .failure)
        #expect(try await store.run(id: run.id)?.error == "step 'call' failed: run_flow: no deployed flow 'not-deployed'")
    }
}
