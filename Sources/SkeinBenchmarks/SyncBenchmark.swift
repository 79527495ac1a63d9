public import Foundation
import SkeinCore
import SkeinJSON
public import SkeinStorage

/// Fills a store with synthetic sync entries and times the report's queries
/// (`skein bench sync`; figures in docs/benchmarks.md).
///
/// Entries are spread over the last 15 days: 85 % OK, 6 % Failed, 5 % Pending, 4 % Sent; 5
/// systems, 10 flows; references `ORD-00001234-RED`. They are inserted in large transactions.
public struct SyncBenchmark: Sendable {
    public let store: any SyncStore
    public init(store: any SyncStore) { self.store = store }

    static let systems = ["ERP", "Shopify", "Warehouse", "NetSuite", "Mailchimp"]
    static let colours = ["RED", "BLUE", "GREEN", "YELLOW", "BLACK"]

    /// Inserts `count` entries in batches of `batch`; calls `progress` with the total so far.
    public func generate(count: Int, batch: Int = 100_000, now: Date = Date(), progress: @Sendable (Int) -> Void = { _ in }) async throws {
        var generated = 0
        let span = 15.0 * 86400
        while generated < count {
            let size = min(batch, count - generated)
            let start = generated
            let entries = (0..<size).map { offset -> NewSyncEntry in
                let n = start + offset
                // Time grows with n (like real traffic), with jitter inside a batch.
                let at = now.addingTimeInterval(-span + span * Double(n) / Double(count) + Double(n % 7))
                let roll = (n &* 2_654_435_761) % 100
                let (status, outcome): (SyncStatus, SyncOutcome) =
                    switch roll {
                    case 0..<85: (.ok, .accepted)
                    case 85..<91: (.failed, .permanentFailure("422 Unprocessable Entity"))
                    case 91..<96: (.pending, .transientFailure("503 Service Unavailable"))
                    default: (.sent, .delivered)
                    }
                let number = String(n + 1)
                let padded = String(repeating: "0", count: max(0, 8 - number.count)) + number
                let reference = "ORD-\(padded)-\(Self.colours[n % 5])"
                let payload = Payload(json: [
                    "order_number": .number(Double(n + 1)), "reference": .string(reference),
                    "total": .string("19.90"), "currency": .string("GBP"),
                ])
                let item = SyncItem(
                    system: Self.systems[n % 5], reference: reference, sourceID: String(n + 1),
                    endpointID: status == .ok ? "E-\(n + 1)" : "", payload: payload, outcome: outcome,
                    response: status == .ok ? "201 Created" : nil)
                let reason = SyncStatusRule.status(after: outcome, automaticRetries: 0, retryLimit: 4).reason
                return NewSyncEntry(
                    item: item, status: status, reason: reason,
                    nextRetryAt: status == .pending ? at.addingTimeInterval(60) : nil, attemptedAt: at)
            }
            let flow = "flow-\(start / batch % 10)"
            _ = try await store.insertSyncEntries(
                entries,
                origin: SyncOrigin(
                    flowID: flow, flowVersion: 1, runID: RunID(Int64(start / batch + 1)),
                    shapeID: "send"), now: now)
            generated += size
            progress(generated)
        }
    }

    /// One timed query: its label, what it asks, and its per-run latencies in milliseconds.
    public struct Measurement: Sendable {
        public var label: String
        public var samples: [Double]
        public var rows: Int

        public func percentile(_ p: Double) -> Double {
            let sorted = samples.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
    }

    /// Times each query shape `iterations` times, varying the filter values.
    public func measure(iterations: Int, total: Int, now: Date = Date()) async throws -> [Measurement] {
        let since = now.addingTimeInterval(-5 * 86400)
        let clock = ContinuousClock()
        func time(_ label: String, _ make: (Int) -> SyncQuery, counts: Bool = false, runs: Int? = nil) async throws -> Measurement {
            var samples: [Double] = []
            var rows = 0
            for i in 0..<(runs ?? iterations) {
                let query = make(i)
                let started = clock.now
                if counts {
                    rows = try await store.syncCounts(query).values.reduce(0, +)
                } else {
                    rows = try await store.syncEntries(query).entries.count
                }
                let elapsed = clock.now - started
                samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            return Measurement(label: label, samples: samples, rows: rows)
        }
        func timeFew(_ label: String, _ make: (Int) -> SyncQuery) async throws -> Measurement {
            try await time(label, make, runs: max(5, iterations / 20))
        }
        let statuses: [SyncStatus] = [.failed, .pending, .sent, .ok]
        func searchTerm(_ i: Int) -> String {
            // Six digits of an existing order number in the window (about 300 references contain it).
            let n = total - 1 - (i &* 7919) % max(1, total / 3)
            let number = String(n + 1)
            let padded = String(repeating: "0", count: max(0, 8 - number.count)) + number
            return String(padded.dropFirst(2))
        }
        return [
            try await time("baseline: first page, window only, newest first") { _ in SyncQuery(since: since) },
            try await time("status filter, newest first") { i in SyncQuery(since: since, statuses: [statuses[i % 4]]) },
            try await time("status + system filter, newest first") { i in
                SyncQuery(since: since, statuses: [statuses[i % 4]], systems: [Self.systems[i % 5]])
            },
            try await time("system filter, oldest first") { i in SyncQuery(since: since, systems: [Self.systems[i % 5]], descending: false) },
            try await time("reference substring search (6 digits)") { i in SyncQuery(since: since, search: searchTerm(i)) },
            try await time("reference substring search (colour + digits, 'ERP' filter)") { i in
                SyncQuery(since: since, systems: ["ERP"], search: String(searchTerm(i).suffix(3)) + "-RED")
            },
            try await time("sync id search") { i in SyncQuery(since: since, search: String(total - i)) },
            try await time("common substring search ('-RED' and the like: 2 M matches)") { i in
                SyncQuery(since: since, search: "-" + Self.colours[i % 5])
            },
            try await time("system name search ('shop', 'erp', …)") { i in
                SyncQuery(since: since, search: ["shop", "erp", "ware", "suite", "chimp"][i % 5])
            },
            try await timeFew("status filter, sorted by reference (a sort of the window's matches)") { i in
                SyncQuery(since: since, statuses: [[.failed, .pending, .sent][i % 3]], sort: .reference, descending: false)
            },
            try await time("counts by status for the window (4 index range counts)", { _ in SyncQuery(since: since) }, counts: true),
        ]
    }
}
