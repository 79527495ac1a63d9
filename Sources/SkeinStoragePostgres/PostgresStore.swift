import Foundation
public import Logging
import NIOCore
import PostgresNIO
import SkeinInstrumentation
public import SkeinStorage
import Synchronization

/// The PostgreSQL store: every Skein process of a deployment (API, workers, schedulers, on one
/// machine or many) shares one database through it.
///
/// Each store method is one transaction on a pooled connection. Workers claim runs with
/// `FOR UPDATE SKIP LOCKED`, so several of them never take the same run and never wait on
/// each other's claims. The pool reconnects on demand with backoff when the server goes away
/// and comes back (while it fails to connect for longer than the connect timeout, waiting calls
/// fail at once instead of hanging); calls made meanwhile fail with `StorageError(.unavailable, …)`, which the
/// services log and retry on their next cycle.
public final class PostgresStore: Sendable {
    public let address: PostgresAddress
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private let preparation = Mutex<Task<Void, any Error>?>(nil)

    /// A store for `address`; nothing is connected yet. The first call (or `prepare()`) checks
    /// the server answers and runs pending migrations.
    public init(_ address: PostgresAddress, maximumConnections: Int = 10, logger: Logger = PostgresStore.quietLogger) {
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user,
            password: address.password, database: address.database, tls: .disable)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.connectTimeout = .seconds(5)
        // The pool logs each failed reconnection attempt; the store reports unavailability itself.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.address = address
        self.client = client
        self.logger = logger
        self.runner = Task { await client.run() }
    }

    /// Connects to `address`, checks the server answers, and runs pending migrations.
    ///
    /// Throws `StorageError(.unavailable, …)` naming the server (never the password) and why,
    /// when it cannot be reached or refuses the login.
    public static func open(
        _ address: PostgresAddress, maximumConnections: Int = 10, logger: Logger = PostgresStore.quietLogger
    )
        async throws -> PostgresStore
    {
        let store = PostgresStore(address, maximumConnections: maximumConnections, logger: logger)
        do {
            try await store.prepare()
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Checks the server answers and runs pending migrations, once; after a failure the next
    /// call tries again (the server may have come up meanwhile).
    public func prepare() async throws {
        let task = preparation.withLock { current -> Task<Void, any Error> in
            if let current { return current }
            let started = Task { [self] in
                try await PostgresStore.checkConnection(address, logger: logger)
                try await PostgresMigrations.migrate(self)
            }
            current = started
            return started
        }
        do {
            try await task.value
        } catch {
            preparation.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }

    /// Opens one direct connection first, so an unreachable server or a refused login is
    /// reported at once and plainly instead of as a pool waiting to retry.
    static func checkConnection(_ address: PostgresAddress, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user,
            password: address.password, database: address.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StorageError(.unavailable, "cannot connect to PostgreSQL at \(address): \(PostgresStore.reason(error))")
        }
    }

    /// A logger for warnings and errors only (the default when the caller passes none).
    public static var quietLogger: Logger {
        var logger = Logger(label: "skein.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Stops the connection pool. Calls made afterwards fail.
    public func close() {
        runner.cancel()
    }

    deinit { runner.cancel() }

    /// Runs `body` in one transaction (BEGIN … COMMIT, rolled back if it throws), timed as the
    /// calling store method (`skein_store_operation_duration_seconds`).
    func transaction<T: Sendable>(function: String = #function, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await StoreOperation.measure(backend: "postgres", function: function) {
            try await prepare()
            return try await migrationTransaction(body)
        }
    }

    /// A transaction without waiting for `prepare()` (the migrations themselves use it).
    func migrationTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw storageError(inner) }
            throw storageError(error.commitError ?? error.beginError ?? error)
        } catch {
            throw storageError(error)
        }
    }

    /// Runs `body` on one connection outside an explicit transaction (a single statement is atomic),
    /// timed as the calling store method.
    func connection<T: Sendable>(function: String = #function, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await StoreOperation.measure(backend: "postgres", function: function) {
            try await prepare()
            return try await migrationConnection(body)
        }
    }

    func migrationConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw storageError(error)
        }
    }

    func storageError(_ error: any Error) -> any Error {
        // Errors thrown by our own code inside a transaction (a reseal closure refusing) pass through unchanged.
        let module = String(reflecting: type(of: error)).split(separator: ".").first ?? ""
        guard error is PSQLError || ["PostgresNIO", "NIOCore", "NIOPosix", "_ConnectionPoolModule"].contains(module) else { return error }
        if let psql = error as? PSQLError, psql.code == .server, psql.serverInfo?[.sqlState] == "40001" || psql.serverInfo?[.sqlState] == "40P01" {
            return StorageError(.conflict, "PostgreSQL at \(address): \(PostgresStore.reason(error))")
        }
        if let psql = error as? PSQLError, psql.code == .server {
            return StorageError(.unavailable, "PostgreSQL at \(address) refused a statement: \(PostgresStore.reason(error))")
        }
        return StorageError(.unavailable, "PostgreSQL at \(address) is unavailable: \(PostgresStore.reason(error))")
    }

    /// Why a PostgresNIO call failed, in words: the server's message, or the connection problem.
    /// (PSQLError's own description hides everything on purpose; this shows the server's
    /// message and SQLSTATE, which never contain the password.)
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            if let underlying = psql.underlying { return "\(psql.code): \(reason(underlying))" }
            return "\(psql.code)"
        }
        if let transaction = error as? PostgresTransactionError {
            return reason(transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? transaction.rollbackError ?? error)
        }
        return "\(error)"
    }
}

extension PostgresStore: SkeinStore {}

extension PostgresStore: StoreHealth {
    public func checkReachable() async throws {
        try await connection { connection in try await connection.run("SELECT 1", logger: self.logger) }
    }

    /// Read without `prepare()`, which would apply the pending migrations it is asked about.
    public func schemaState() async throws -> SchemaState {
        let applied = try await migrationConnection { connection in
            let table = try await connection.rows("SELECT to_regclass('schema_migrations') IS NOT NULL AS present", logger: self.logger)
            guard try table.first?["present", as: Bool.self] == true else { return Set<String>() }
            let rows = try await connection.rows("SELECT name FROM schema_migrations", logger: self.logger)
            return Set(try rows.map { try $0["name", as: String.self] })
        }
        return SchemaState(known: PostgresMigrations.all.map(\.name), applied: applied)
    }
}
