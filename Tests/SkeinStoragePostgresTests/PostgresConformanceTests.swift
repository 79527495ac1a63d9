import Foundation
import Logging
import PostgresNIO
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
        try await withFreshDatabase { address in
            let opened = OpenedStores()
            defer { opened.closeAll() }
            try await check.run {
                let store = try await PostgresStore.open(address, maximumConnections: 4)
                opened.add(store)
                return store
            }
        }
    }

    @Test func migrationsAreRecordedAndRunOnceWhenProcessesStartTogether() async throws {
        try await withFreshDatabase { address in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresStore.open(address, maximumConnections: 2) } }
                return try await group.reduce(into: [PostgresStore]()) { $0.append($1) }
            }
            defer { stores.forEach { $0.close() } }
            let names = try await adminQuery(address, "SELECT name FROM schema_migrations ORDER BY name")
            #expect(names == ["0001_pg_flows_runs_steps_payloads_instances", "0002_pg_sync_entries"])
            let trigram = try await adminQuery(address, "SELECT indexname FROM pg_indexes WHERE indexname = 'sync_reference_trigrams'")
            #expect(trigram == ["sync_reference_trigrams"], "reference search is served by a pg_trgm GIN index")
        }
    }

    @Test func anUnreachableServerIsReportedWithoutThePassword() async throws {
        let port = try FreePort.next()
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

/// Creates a database named for this test on the shared server, runs `body`, then drops it.
func withFreshDatabase(_ body: (PostgresAddress) async throws -> Void) async throws {
    let server = try PostgresAddress(url: try await SharedPostgres.url())
    let name = "skein_check_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    _ = try await adminQuery(server, "CREATE DATABASE \(name)")
    do {
        try await body(server.with(database: String(name)))
    } catch {
        _ = try? await adminQuery(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
    }
    _ = try await adminQuery(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
}

/// Runs one statement on its own connection and returns the first column of each row as text.
func adminQuery(_ address: PostgresAddress, _ sql: String) async throws -> [String] {
    let configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                         password: address.password, database: address.database, tls: .disable)
    let logger = Logger(label: "test.admin")
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    defer { Task { try? await connection.close() } }
    var values: [String] = []
    for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
        values.append(try row.makeRandomAccess()[0].decode(String.self))
    }
    return values
}

final class OpenedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [PostgresStore] = []
    func add(_ store: PostgresStore) { lock.withLock { stores.append(store) } }
    func closeAll() { lock.withLock { stores.forEach { $0.close() } } }
}
