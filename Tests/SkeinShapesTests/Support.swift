import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinShapes
import SkeinStorage
import SkeinStorageSQLite

/// A fresh SQLite database file in its own directory (for tests about several processes on one
/// database, and scripts that need a directory); other tests use a `MemoryStore`.
struct TestDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("skein.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-shapes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Another handle on the same file: its own connection pool, as a second process would have.
    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A clock tests can move.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_780_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Runs flows through the real engine on a store, with the shapes of this target.
struct Harness {
    let store: any SkeinStore
    let catalog: ShapeCatalog

    init(store: any SkeinStore, now: @escaping @Sendable () -> Date = Date.init, extra: [any ShapeKind] = []) {
        self.store = store
        var catalog = ShapeCatalog()
        for shape in [
            SetVariablesShape(), DedupeShape(pools: store, now: now), CacheShape(caches: store, now: now), TrackDataShape(tracked: store, now: now),
            ScriptShape(), NotifyShape(client: nil),
        ] + extra {
            catalog.register(shape)
        }
        self.catalog = catalog
    }

    func deploy(_ text: String) async throws -> DeployedFlow {
        try await store.deploy(try FlowFile.decode(text, catalog: catalog), source: text, now: Date()).flow
    }

    func executor(instances: [Instance] = []) -> RunExecutor {
        RunExecutor(store: store, catalog: catalog, instances: FixedInstances(instances), logger: Logger(label: "test"))
    }

    /// Starts and executes one run; returns it with its final status.
    @discardableResult
    func run(_ flow: DeployedFlow, _ input: [JSON], instances: [Instance] = []) async throws -> (RunRecord, RunStatus) {
        let run = try await store.startClaimed(
            NewRun(
                flowID: flow.flowID, flowVersion: flow.version, trigger: .manual,
                input: input.map(Payload.init(json:))), owner: "test", leaseUntil: Date() + 600, now: Date())
        let status = try await executor(instances: instances).execute(run)
        return (run, status)
    }

    /// The JSON payloads the step `shapeID` of `runID` produced.
    func outputs(_ runID: RunID, _ shapeID: String) async throws -> [JSON] {
        guard let step = try await store.steps(runID: runID).last(where: { $0.shapeID == shapeID }) else { return [] }
        return try await store.payloads(of: StepID(run: runID, sequence: step.sequence)).map { try $0.json() }
    }

    func step(_ runID: RunID, _ shapeID: String) async throws -> StepRecord? {
        try await store.steps(runID: runID).last { $0.shapeID == shapeID }
    }
}

/// Orders as a shop sends them: a number, a customer, line items with SKUs, quantities and prices.
func order(_ number: Int, skus: [String] = ["AB-1"], email: String = "ann@example.com") -> JSON {
    .object([
        "order_number": .number(Double(number)), "customer": ["email": .string(email)], "financial_status": "paid",
        "line_items": .array(
            skus.enumerated().map { index, sku -> JSON in
                ["sku": .string(sku), "quantity": .number(Double(index + 1)), "price": 9.5]
            }),
    ])
}

func orderNumbers(_ payloads: [JSON]) -> [Int] {
    payloads.compactMap { $0.objectValue?["order_number"]?.numberValue.map { Int($0) } }
}
