import Foundation
import SkeinCore
import SkeinStorage
import SkeinStorageConformance
import SkeinStoragePostgres
import SkeinTestSupport
import Testing

/// The storage conformance suite on PostgreSQL: each check on a database of its own, created
/// on the test server and dropped afterwards.
@Suite struct PostgresConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await withPostgres { database in
            let address = try PostgresAddress(url: database.url)
            let opened = OpenedStores()
            defer { opened.closeAll() }
            try await check.run {
                let store = try await PostgresStore.open(address, maximumConnections: 4, connectionWait: PostgresTestDatabase.connectionWait)
                opened.add(store)
                return store
            }
        }
    }

    @Test func migrationsAreRecordedAndRunOnceWhenProcessesStartTogether() async throws {
        try await withPostgres { database in
            let address = try PostgresAddress(url: database.url)
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await PostgresStore.open(address, maximumConnections: 2, connectionWait: PostgresTestDatabase.connectionWait) }
                }
                return try await group.reduce(into: [PostgresStore]()) { $0.append($1) }
            }
            defer { stores.forEach { $0.close() } }
            let names = try database.psql("SELECT name FROM schema_migrations ORDER BY name").split(separator: "\n")
            #expect(
                names == [
                    "0001_pg_flows_runs_steps_payloads_instances", "0002_pg_sync_entries", "0003_pg_web_access",
                    "0004_pg_shapes_pools_cache_tracking", "0005_pg_flowtree_step_paths", "0006_pg_run_trace_parent",
                    "0007_pg_delivery_ledger", "0008_pg_alerts", "0009_pg_flow_drafts", "0010_pg_lookups", "0011_pg_webhook_identities",
                    "0012_pg_action_tokens", "0013_pg_sync_attempts",
                ])
            let trigram = try database.psql("SELECT indexdef FROM pg_indexes WHERE indexname = 'sync_reference_trigrams'")
            #expect(trigram.contains("USING gin (reference gin_trgm_ops)"), "reference search is served by a pg_trgm GIN index")
        }
    }

    /// What `GET /health/ready` reads: migrations the database lacks, and ones only a newer Skein knows.
    @Test func schemaStateComparesTheRecordedMigrationsWithThisBuild() async throws {
        try await withPostgres { database in
            let store = try await PostgresStore.open(
                try PostgresAddress(url: database.url), maximumConnections: 2, connectionWait: PostgresTestDatabase.connectionWait)
            defer { store.close() }
            #expect(try await store.schemaState() == SchemaState(pending: [], unknown: []))
            let names = try database.psql("SELECT name FROM schema_migrations ORDER BY name").split(separator: "\n").map(String.init)
            try database.psql("DELETE FROM schema_migrations WHERE name = '\(names.last!)'")
            try database.psql("INSERT INTO schema_migrations (name) VALUES ('9999_from_a_newer_skein')")
            #expect(try await store.schemaState() == SchemaState(pending: [names.last!], unknown: ["9999_from_a_newer_skein"]))
            try database.psql("DROP TABLE schema_migrations")
            #expect(try await store.schemaState().pending == names, "a database never migrated lacks every migration")
        }
    }

    @Test func anUnreachableServerIsReportedWithoutThePassword() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let address = try PostgresAddress(url: "postgres://skein:s3cret-pw@127.0.0.1:\(port)/skein")
        let error = await #expect(throws: StorageError.self) { try await PostgresStore.open(address) }
        let message = error?.message ?? ""
        #expect(error?.code == .unavailable)
        #expect(message.contains("cannot connect to PostgreSQL at skein@127.0.0.1:\(port)/skein"), "\(message)")
        #expect(!message.contains("s3cret-pw"))
    }

    @Test func aWrongPasswordIsReportedAsRefusedLogin() async throws {
        var address = try PostgresAddress(url: try await SharedPostgres.url())
        address.password = "not-the-password"
        let error = await #expect(throws: StorageError.self) { try await PostgresStore.open(address) }
        let message = error?.message ?? ""
        #expect(message.contains("password authentication failed"), "\(message)")
        #expect(!message.contains("not-the-password"))
    }

    @Test func readsDatabaseURLs() throws {
        let address = try PostgresAddress(url: "postgres://app%40x:p%3Ass@db.internal:6543/skein")
        #expect(address == PostgresAddress(host: "db.internal", port: 6543, database: "skein", user: "app@x", password: "p:ss"))
        #expect(address.description == "app@x@db.internal:6543/skein")
        #expect(try PostgresAddress(url: "postgresql://u@h/d").port == 5432)
        #expect(throws: PostgresAddressError.self) { try PostgresAddress(url: "mysql://u@h/d") }
        #expect(throws: PostgresAddressError.self) { try PostgresAddress(url: "postgres://u:pw@h") }
        #expect(throws: PostgresAddressError.self) { try PostgresAddress(url: "postgres://h/d") }
    }
}

final class OpenedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [PostgresStore] = []
    func add(_ store: PostgresStore) { lock.withLock { stores.append(store) } }
    func closeAll() { lock.withLock { stores.forEach { $0.close() } } }
}

/// A database outage while running: calls fail as `unavailable` (naming the server, never the
/// password) once they have waited `connectionWait` for a connection, instead of until the
/// pool's circuit breaker trips a minute later, and the store reconnects by itself once the
/// server is back.
@Suite struct PostgresOutageTests {
    @Test func callsFailWhileTheServerIsDownAndWorkAgainWhenItIsBack() async throws {
        let server = try await onDedicatedThread { try PostgresTestServer.start() }
        var current = server
        defer { current.stop() }
        // While the server is up, opening (its migrations) and a call wait for a connection as
        // long as a loaded machine needs: the 10 s wait is what this test checks during the
        // outage, not a promise about start-up (beside two test runs, a fresh server has taken
        // longer than 10 s to accept the migrations' connection).
        let address = try PostgresAddress(url: server.url)
        let store = try await retried(for: PostgresTestDatabase.connectionWait, pause: .milliseconds(500)) {
            try await PostgresStore.open(address, maximumConnections: 2, connectionWait: .seconds(10))
        }
        defer { store.close() }
        let run = try await retried(for: PostgresTestDatabase.connectionWait, pause: .zero) {
            try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: Date())
        }

        await onDedicatedThreadQuietly { server.shutDown() }
        // A pooled connection that was open when the server went away fails its call at once (its
        // socket is closed); once none is left, a call waits connectionWait for a new one and says so.
        var messages: [String] = []
        for _ in 0..<4 {
            let error = await #expect(throws: StorageError.self) { _ = try await store.run(id: run.id) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("127.0.0.1:\(server.port)/") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(server.password) == false)
            messages.append(error?.message ?? "")
            if messages.last?.contains("no connection within 10 s") == true { break }
        }
        #expect(messages.last?.contains("no connection within 10 s") == true, "\(messages)")

        current = try await onDedicatedThread { try server.restart() }
        // The pool reconnects on its own backoff schedule (100 ms growing by 1.25× per failed
        // attempt), so the wait has a limit that only catches a store that never comes back.
        let reconnected = try await retried(for: .seconds(180), pause: .milliseconds(500), whileFailing: { _ in true }) {
            try await store.run(id: run.id)
        }
        #expect(reconnected?.id == run.id, "the store reconnected and the queued run is still there")
    }

    /// `attempt`'s result, calling it again (after `pause`) while its error is one `isRetried`
    /// accepts (by default: `unavailable`) and `limit` has not passed; any other error, or the
    /// last one, is the test's.
    private func retried<Value>(
        for limit: Duration, pause: Duration,
        whileFailing isRetried: (any Error) -> Bool = { ($0 as? StorageError)?.code == .unavailable },
        _ attempt: () async throws -> Value
    ) async throws -> Value {
        let giveUp = ContinuousClock.now + limit
        while true {
            do { return try await attempt() } catch  where isRetried(error) && ContinuousClock.now < giveUp {
                try await Task.sleep(for: pause)
            }
        }
    }
}

func onDedicatedThreadQuietly(_ work: @escaping @Sendable () -> Void) async {
    _ = try? await onDedicatedThread { work() }
}
