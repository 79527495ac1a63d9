import AsyncHTTPClient
public import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Scenario 1 of docs/benchmarks.md (`skein bench flow`): items per second through
/// receive (pages of orders from a local HTTP server) → split → map (JSONata) → filter →
/// send (to a second local HTTP server, with `sync:`), with its baselines measured in the same
/// process. The send is measured both ways a destination may take orders: one POST per order,
/// and `batch:` (`batchSize` orders per POST to a bulk endpoint, each order still its own sync
/// entry with its own endpoint id).
///
/// - **the two servers' raw speed**: the same pages fetched, and the same POSTs sent (one per
///   order, and in batches), by a bare AsyncHTTPClient loop (no engine);
/// - **no run log**: the same flow's shapes run by `UnloggedRun` (no store calls);
/// - **the subject**: a real run through `RunExecutor` into SQLite — every step's payloads and
///   every sync entry stored — in a fresh data directory.
public struct FlowBenchmark: Sendable {
    public let pages: Int
    public let pageSize: Int
    public let directory: URL
    /// The send step's `concurrency:` (requests in flight at once), also used by the raw POST loop.
    public let sendConcurrency: Int

    /// Orders per POST in the `batch:` configurations.
    public let batchSize: Int

    public init(pages: Int, pageSize: Int = 1000, directory: URL, sendConcurrency: Int = 8, batchSize: Int = 100) {
        self.pages = pages
        self.pageSize = pageSize
        self.directory = directory
        self.sendConcurrency = sendConcurrency
        self.batchSize = batchSize
    }

    /// One measured configuration: wall seconds for `items` items (received orders).
    public struct Timing: Sendable, Codable {
        /// A stable name for the report writer (`raw_fetch`, `logged_batched`, …).
        public var key: String
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
    /// Batched, the send posts `batchSize` orders at a time to the sink's bulk endpoint.
    func flowSource(batched: Bool) -> String {
        Self.flowTemplate
            .replacingOccurrences(of: "FLOW_ID", with: batched ? "bench-orders-bulk" : "bench-orders")
            .replacingOccurrences(of: "CONCURRENCY", with: String(sendConcurrency))
            .replacingOccurrences(of: "SEND_PATH", with: batched ? "/orders/bulk" : "/orders")
            .replacingOccurrences(
                of: "BATCH",
                with: batched
                    ? "batch: { size: \(batchSize), wrap_key: orders, results_path: results }" : "# one POST per order")
    }

    static let flowTemplate = """
        id: FLOW_ID
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
              path: SEND_PATH
              concurrency: CONCURRENCY
              BATCH
              sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }
        """

    /// Order `i`: 1–4 lines; every fourth is unpaid (the filter drops it).
    static func order(_ i: Int) -> JSON {
        var lines: [JSON] = []
        for j in 0..<(1 + i % 4) {
            lines.append([
                "sku": .string("sku-\(i % 50)-\(j)"), "quantity": .number(Double(1 + (i + j) % 3)),
                "price": .number(Double((i * 7 + j * 13) % 5000) / 100 + 1),
            ])
        }
        return [
            "id": .number(Double(1000 + i)), "name": .string("#\(1000 + i)"), "financial_status": i % 4 == 3 ? "pending" : "paid",
            "currency": "GBP", "customer": ["first_name": .string("Ann\(i)"), "last_name": "Lee", "email": .string("C\(i)@Example.com")],
            "line_items": .array(lines),
        ]
    }

    /// Runs every configuration `repetitions` times, interleaved so load from other work hits each alike.
    public func run(repetitions: Int, progress: @Sendable (String) -> Void = { _ in }) async throws -> [Timing] {
        let servers = try await BenchServers.start(pages: pages, pageSize: pageSize)
        do {
            let timings = try await measure(repetitions: repetitions, servers: servers, progress: progress)
            await servers.stop()
            return timings
        } catch {
            await servers.stop()
            throw error
        }
    }

    private func measure(repetitions: Int, servers: BenchServers, progress: @Sendable (String) -> Void) async throws -> [Timing] {
        let items = pages * pageSize
        let paid = items * 3 / 4
        var timings = [
            Timing(key: "raw_fetch", label: "raw: fetch the pages (AsyncHTTPClient loop)", items: items, seconds: []),
            Timing(key: "raw_send", label: "raw: POST each paid order (AsyncHTTPClient, \(sendConcurrency) in flight)", items: items, seconds: []),
            Timing(
                key: "raw_send_batched", label: "raw: POST the paid orders \(batchSize) at a time (AsyncHTTPClient, \(sendConcurrency) in flight)",
                items: items, seconds: []),
            Timing(key: "unlogged", label: "flow, one POST per order, without a run log (UnloggedRun)", items: items, seconds: []),
            Timing(key: "logged", label: "flow, one POST per order, run log in SQLite (RunExecutor)", items: items, seconds: []),
            Timing(key: "unlogged_batched", label: "flow, batch: \(batchSize) per POST, without a run log (UnloggedRun)", items: items, seconds: []),
            Timing(key: "logged_batched", label: "flow, batch: \(batchSize) per POST, run log in SQLite (RunExecutor)", items: items, seconds: []),
        ]
        let client = HTTPClient.shared
        let order = Self.order(1)
        let clock = ContinuousClock()
        func seconds(_ body: () async throws -> Void) async throws -> Double {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        /// `count` POSTs of `body` to `path`, `sendConcurrency` in flight.
        func post(_ body: [UInt8], count: Int, to path: String) async throws {
            let next = LockedValue(0)
            let url = servers.sinkURL + path
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<sendConcurrency {
                    group.addTask {
                        while next.withLock({ value -> Bool in
                            value += 1; return value <= count
                        }) {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(bytes: body))
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 16 << 20)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let single = Array(order.serialized().utf8)
        let bulk = Array(JSON.object(["orders": .array(Array(repeating: order, count: batchSize))]).serialized().utf8)
        for repetition in 1...repetitions {
            var figures: [Double] = []
            figures.append(
                try await seconds {
                    for page in 1...(pages + 1) {
                        let response = try await client.execute(HTTPClientRequest(url: "\(servers.sourceURL)/orders?page=\(page)"), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 64 << 20)
                    }
                })
            figures.append(try await seconds { try await post(single, count: paid, to: "/orders") })
            figures.append(try await seconds { try await post(bulk, count: (paid + batchSize - 1) / batchSize, to: "/orders/bulk") })
            for batched in [false, true] {
                let environment = try freshEnvironment("\(repetition)\(batched ? "-bulk" : "")")
                let deployed = try await deploy(environment, servers: servers, batched: batched)
                figures.append(
                    try await seconds {
                        let outcome = try await UnloggedRun(executor: environment.executor()).run(deployed)
                        guard outcome.acceptedSyncItems == paid else {
                            throw StorageError(.corrupt, "the unlogged flow sent \(outcome.acceptedSyncItems) orders, expected \(paid)")
                        }
                    })
                figures.append(
                    try await seconds {
                        let run = try await InProcessRun(executor: environment.executor())
                            .start(NewRun(flowID: deployed.flowID, flowVersion: deployed.version, trigger: .manual))
                        guard run.status == .success else { throw StorageError(.corrupt, "the logged run ended \(run.status): \(run.error ?? "")") }
                    })
                let stored = try await environment.store.syncCounts(SyncQuery(since: .distantPast))[.ok] ?? 0
                guard stored == paid else { throw StorageError(.corrupt, "\(stored) OK sync entries stored, expected \(paid)") }
            }
            for (index, figure) in figures.enumerated() { timings[index].seconds.append(figure) }
            progress("repetition \(repetition): " + timings.map { "\($0.key) \(String(format: "%.3f", $0.seconds.last!)) s" }.joined(separator: ", "))
        }
        return timings
    }

    private func freshEnvironment(_ name: String) throws -> SkeinEnvironment {
        let data = directory.appendingPathComponent("flow-\(name)")
        try? FileManager.default.removeItem(at: data)
        var logger = Logger(label: "skein-bench")
        logger.logLevel = .warning
        return try SkeinEnvironment(dataDirectory: data, environment: [:], logger: logger)
    }

    private func deploy(_ environment: SkeinEnvironment, servers: BenchServers, batched: Bool) async throws -> DeployedFlow {
        for (name, url) in [("source", servers.sourceURL), ("sink", servers.sinkURL)] {
            let instance = Instance(name: name, connectorType: "http", address: url)
            try await environment.store.saveInstance(try environment.instances.seal(instance, now: Date()))
        }
        let source = flowSource(batched: batched)
        let definition = try FlowFile.decode(source, source: "bench flow", catalog: environment.catalog)
        return try await environment.store.deploy(definition, source: source, now: Date()).flow
    }
}

/// The two local HTTP servers of scenario 1: the source answers `GET /orders?page=N` with
/// pre-serialised pages of orders (an empty page after the last), the sink answers every
/// `POST /orders` with `201 {"erp_id": "ERP-<n>"}`, and every `POST /orders/bulk` of
/// `{"orders": [...]}` with one such id per order.
final class BenchServers: Sendable {
    let sourceURL: String
    let sinkURL: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(sourceURL: String, sinkURL: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.sourceURL = sourceURL
        self.sinkURL = sinkURL
        self.group = group
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
            return Response(
                status: .created, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"erp_id\": \"ERP-\(n)\"}")))
        }
        // The bulk endpoint: {"orders": [...]} in, {"results": [{"erp_id": …}, …]} out, one per order.
        sink.post("/orders/bulk") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            guard case .array(let orders)? = try JSON(parsing: Array(body.readableBytesView))["orders"] else {
                return Response(status: .badRequest)
            }
            var answer = "{\"results\": ["
            for index in orders.indices { answer += (index == 0 ? "" : ", ") + "{\"erp_id\": \"ERP-\(counter.next())\"}" }
            answer += "]}"
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let ports = PortBox()
        var logger = Logger(label: "bench-servers")
        logger.logLevel = .error
        let sourceApp = Application(
            router: source, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ports.set(0, $0.localAddress?.port ?? 0) }, logger: logger)
        let sinkApp = Application(
            router: sink, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ports.set(1, $0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [sourceApp, sinkApp], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        while ports.get(0) == 0 || ports.get(1) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        return BenchServers(sourceURL: "http://127.0.0.1:\(ports.get(0))", sinkURL: "http://127.0.0.1:\(ports.get(1))", group: group, task: task)
    }

    /// Stops both servers gracefully: cancelling a Hummingbird server while it has just accepted
    /// a connection makes NIO stop the process ("Deinited NIOAsyncWriter without calling finish()").
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}

private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var ports = [0, 0]
    func set(_ index: Int, _ port: Int) { lock.withLock { ports[index] = port } }
    func get(_ index: Int) -> Int { lock.withLock { ports[index] } }
}
