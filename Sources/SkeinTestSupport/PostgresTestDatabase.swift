import Foundation

/// A database of its own for one test, on the shared test server (`SharedPostgres`): created
/// empty before the test and dropped after it, so tests run in parallel without seeing each
/// other's tables, and one PostgreSQL cluster serves the whole test run.
public struct PostgresTestDatabase: Sendable {
    public static let psqlPath = "\(PostgresTestServer.binaries)/psql"

    /// How long a test's store waits for a connection (`PostgresStore.open(connectionWait:)`):
    /// far longer than a server's 15 s, because the one test cluster serves hundreds of tests in
    /// parallel, each creating its own database, and on a loaded machine it has been seen to take
    /// more than 15 s to accept a connection. Tests of the wait itself set their own.
    public static let connectionWait: Duration = .seconds(180)

    public let host: String
    public let port: Int
    public let user: String
    public let password: String
    public let database: String

    /// `postgres://user@host:port/database`, without the password (instances take it as a credential).
    public var address: String { "postgres://\(user)@\(host):\(port)/\(database)" }
    /// The same with the password, for `PostgresAddress(url:)` and psql.
    public var url: String { "postgres://\(user):\(password)@\(host):\(port)/\(database)" }

    init(serverURL: String, database: String) throws {
        guard let components = URLComponents(string: serverURL), let host = components.host, let user = components.user else {
            throw CommandRunner.Failure(description: "\(SharedPostgres.variable) is not a postgres://user:password@host:port/database URL")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password ?? ""
        self.database = database
    }

    /// Runs SQL through psql (over TCP, with the password), stopping at the first error; returns
    /// the rows unaligned, one per line.
    @discardableResult
    public func psql(_ sql: String) throws -> String {
        try Self.psql(sql, url: url)
    }

    static func psql(_ sql: String, url: String) throws -> String {
        try CommandRunner.run(psqlPath, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
    }
}

/// Runs `body` against a fresh database on the shared test server, dropped afterwards (also on failure).
public func withPostgres(_ body: (PostgresTestDatabase) async throws -> Void) async throws {
    let serverURL = try await SharedPostgres.url()
    let name = "skein_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
    let database = try PostgresTestDatabase(serverURL: serverURL, database: String(name))
    try await onDedicatedThread { _ = try PostgresTestDatabase.psql("CREATE DATABASE \(name)", url: serverURL) }
    do {
        try await body(database)
    } catch {
        _ = try? await onDedicatedThread { _ = try PostgresTestDatabase.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", url: serverURL) }
        throw error
    }
    try await onDedicatedThread { _ = try PostgresTestDatabase.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", url: serverURL) }
}
