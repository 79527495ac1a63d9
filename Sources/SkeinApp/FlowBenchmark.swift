public import Foundation
import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Scenario 1 of docs/benchmarks.md (`skein bench flow`): items per second through
/// receive (pages of orders from a local HTTP server) → split → map (JSONata) → filter →
/// send (one POST per order to a second local HTTP server, with `sync:`), with its baselines
/// measured in the same process:
///
/// - **the two servers' raw speed**: the same pages fetched, and the same POSTs sent, by a bare
///   AsyncHTTPClient loop (no engine);
/// - **no run log**: the same flow's shapes run by `UnloggedRun` (no store calls);
/// - **the subject**: a real run through `RunExecutor` into SQLite — every step's payloads and
///   every sync entry stored — in a fresh data directory.
public struct FlowBenchmark: Sendable {
    public let pages: Int
    public let pageSize: Int
    public let directory: URL
    /// The send step's `concurrency:` (requests in flight at once), also used by the raw POST loop.
    public let sendConcurrency: Int

    public init(pages: Int, pageSize: Int = 1000, directory: URL, sendConcurrency: Int = 8) {
        self.pages = pages
        self.pageSize = pageSize
        self.directory = directory
        self.sendConcurrency = sendConcurrency
    }

    /// One measured configuration: wall seconds for `items` items (received orders).
    public struct Timing: Sendable, Codable {
        public var label: String
        public var items: Int
        public var seconds: [Double]
        public var median: Double { seconds.sorted()[seconds.count / 2] }
        public var itemsPerSecond: Double { Double(items) / median }
    }

    static let transform = """
        {
          "order_number": id,
          "reference": name,
          "email": $lowercase(customer.email),
          "customer": customer.first_name & " " & customer.last_name,
          "currency": currency,
          "total": $round($sum(line_items.(quantity * price)), 2),
          "lines": [$map(line_items, function($l, $i) { {"line": $i + 1, "sku": $uppercase($l.sku), "qty": $l.quantity} })],
          "paid": financial_status = "paid"
        }
        """

    /// The flow under test; `source` and `sink` are instances on the two local servers.
    var flowSource: String { Self.flowTemplate.replacingOccurrences(of: "CONCURRENCY", with: String(sendConcurrency)) }

    static let flowTemplate = """
        id: bench-orders
        trigger: api
        shapes:
          - id: fetch
            http: { instance: source, direction: receive, method: GET, path: /orders, items_path: orders,
                    pagination: { type: page, param: page, start: 1 }, max_pages: 100000 }
          - id: one-per-order
            split: { path: orders }
          - id: to-erp
            map:
              transform: |-
        \(transform.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
          - id: paid-only
            filter: { where: [ { field: paid, equals: true } ] }
          - id: post
            http:
              instance: sink
              direction: send
              method: POST
              path: /orders
              concurrency: CONCURRENCY
              sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }
        """

    /// Order `i`: 1–4 lines; every fourth is unpaid (the filter drops it).
    static func order(_ i: Int) -> JSON {
        var lines: [JSON] = []
        for j in 0..<(1 + i % 4) {
            lines.append(["sku": .string("sku-\(i % 50)-\(j)"), "quantity": .number(Double(1 + (i + j) % 3)),
                          "price": .number(Double((i * 7 + j * 13) % 5000) / 100 + 1)])
        }
        return ["id": .number(Double(1000 + i)), "name": .string("#\(1000 + i)"), "financial_status": i % 4 == 3 ? "pending" : "paid",
                "currency": "GBP", "customer": ["first_name": .string("Ann\(i)"), "last_name": "Lee", "email": .string("C\(i)@Example.com")],
                "line_items": .array(lines)]
    }

    /// Runs every configuration `repetitions` times, interleaved so load from other work hits each alike.
    public func run(repetitions: Int, progress: @Sendable (String) -> Void = { _ in }) async throws -> [Timing] {
        let servers = try await BenchServers.start(pages: pages, pageSize: pageSize)
        defer { servers.stop() }
        let items = pages * pageSize
        var raw = Timing(label: "raw: fetch the pages (AsyncHTTPClient loop)", items: items, seconds: [])
        var rawSend = Timing(label: "raw: POST each paid order (AsyncHTTPClient, \(sendConcurrency) in flight)", items: items, seconds: [])
        var unlogged = Timing(label: "flow without a run log (UnloggedRun)", items: items, seconds: [])
        var logged = Timing(label: "flow with the run log in SQLite (RunExecutor)", items: items, seconds: [])
        let client = HTTPClient.shared
        let body = Array(Self.order(1).serialized().utf8)
        let clock = ContinuousClock()
        func seconds(_ body: () async throws -> Void) async throws -> Double {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        for repetition in 1...repetitions {
            raw.seconds.append(try await seconds {
                for page in 1...(pages + 1) {
                    let response = try await client.execute(HTTPClientRequest(url: "\(servers.sourceURL)/orders?page=\(page)"), timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 64 << 20)
                }
            })
            rawSend.seconds.append(try await seconds {
                let next = LockedValue(0)
                let total = items * 3 / 4
                let url = servers.sinkURL + "/orders"
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<sendConcurrency {
                        group.addTask {
                            while next.withLock({ value -> Bool in value += 1; return value <= total }) {
                                var request = HTTPClientRequest(url: url)
                                request.method = .POST
                                request.headers.add(name: "Content-Type", value: "application/json")
                                request.body = .bytes(ByteBuffer(bytes: body))
                                let response = try await client.execute(request, timeout: .seconds(30))
                                _ = try await response.body.collect(upTo: 1 << 20)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            })
            let environment = try freshEnvironment(repetition)
            let deployed = try await deploy(environment, servers: servers)
            unlogged.seconds.append(try await seconds {
                let outcome = try await UnloggedRun(executor: environment.executor()).run(deployed)
                guard outcome.acceptedSyncItems == items * 3 / 4 else {
                    throw StorageError(.corrupt, "the unlogged flow sent \(outcome.acceptedSyncItems) orders, expected \(items * 3 / 4)")
                }
            })
            logged.seconds.append(try await seconds {
                let run = try await InProcessRun(executor: environment.executor())
                    .start(NewRun(flowID: deployed.flowID, flowVersion: deployed.version, trigger: .manual))
                guard run.status == .success else { throw StorageError(.corrupt, "the logged run ended \(run.status): \(run.error ?? "")") }
            })
            let stored = try await environment.store.syncCounts(SyncQuery(since: .distantPast))[.ok] ?? 0
            guard stored == items * 3 / 4 else { throw StorageError(.corrupt, "\(stored) OK sync entries stored, expected \(items * 3 / 4)") }
            progress("repetition \(repetition): raw fetch \(raw.seconds.last!) s, raw send \(rawSend.seconds.last!) s, "
                + "unlogged \(unlogged.seconds.last!) s, logged \(logged.seconds.last!) s")
        }
        return [raw, rawSend, unlogged, logged]
    }

    private func freshEnvironment(_ repetition: Int) throws -> SkeinEnvironment {
        let data = directory.appendingPathComponent("flow-\(repetition)")
        try? FileManager.default.removeItem(at: data)
        var logger = Logger(label: "skein-bench")
        logger.logLevel = .warning
        return try SkeinEnvironment(dataDirectory: data, environment: [:], logger: logger)
    }

    private func deploy(_ environment: SkeinEnvironment, servers: BenchServers) async throws -> DeployedFlow {
        for (name, url) in [("source", servers.sourceURL), ("sink", servers.sinkURL)] {
            let instance = Instance(name: name, connectorType: "http", address: url)
            try await environment.store.saveInstance(try environment.instances.seal(instance, now: Date()))
        }
        let definition = try FlowFile.decode(flowSource, source: "bench flow", catalog: environment.catalog)
        return try await environment.store.deploy(definition, source: flowSource, now: Date()).flow
    }
}

/// The two local HTTP servers of scenario 1: the source answers `GET /orders?page=N` with
/// pre-serialised pages of orders (an empty page after the last), the sink answers every
/// `POST /orders` with `201 {"erp_id": "ERP-<n>"}`.
final class BenchServers: Sendable {
    let sourceURL: String
    let sinkURL: String
    private let task: Task<Void, any Error>

    private init(sourceURL: String, sinkURL: String, task: Task<Void, any Error>) {
        self.sourceURL = sourceURL
        self.sinkURL = sinkURL
        self.task = task
    }

    static func start(pages: Int, pageSize: Int) async throws -> BenchServers {
        var bodies: [ByteBuffer] = []
        for page in 0..<pages {
            let orders = (0..<pageSize).map { FlowBenchmark.order(page * pageSize + $0) }
            bodies.append(ByteBuffer(string: JSON.object(["orders": .array(orders)]).serialized()))
        }
        let empty = ByteBuffer(string: "{\"orders\": []}")
        let pageBodies = bodies
        let source = Router()
        source.get("/orders") { request, _ -> Response in
            let page = request.uri.queryParameters.get("page", as: Int.self) ?? 1
            let body = (1...pageBodies.count).contains(page) ? pageBodies[page - 1] : empty
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        let counter = Counter()
        let sink = Router()
        sink.post("/orders") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            let n = counter.next()
            return Response(status: .created, headers: [.contentType: "application/json"],
                             body: .init(byteBuffer: ByteBuffer(string: "{\"erp_id\": \"ERP-\(n)\"}")))
        }
        let ports = PortBox()
        var logger = Logger(label: "bench-servers")
        logger.logLevel = .error
        let sourceApp = Application(router: source, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                    onServerRunning: { ports.set(0, $0.localAddress?.port ?? 0) }, logger: logger)
        let sinkApp = Application(router: sink, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { ports.set(1, $0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sourceApp.run() }
                group.addTask { try await sinkApp.run() }
                try await group.waitForAll()
            }
        }
        while ports.get(0) == 0 || ports.get(1) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        return BenchServers(sourceURL: "http://127.0.0.1:\(ports.get(0))", sinkURL: "http://127.0.0.1:\(ports.get(1))", task: task)
    }

    func stop() { task.cancel() }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var ports = [0, 0]
    func set(_ index: Int, _ port: Int) { lock.withLock { ports[index] = port } }
    func get(_ index: Int) -> Int { lock.withLock { ports[index] } }
}
