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
/// and comes back. A call waits at most `connectionWait` for a pooled connection and then fails
/// with `StorageError(.unavailable, …)`, which the services log and retry on their next cycle.
/// (PostgresNIO's pool alone keeps a caller waiting until its circuit breaker trips, a minute
/// into an outage, and its reconnection backoff grows with every failed attempt meanwhile.)
public final class PostgresStore: Sendable {
    public let address: PostgresAddress
    let client: PostgresClient
    let logger: Logger
    /// How long a call waits for a pooled connection before failing as unavailable.
    public let connectionWait: Duration
    /// The default `connectionWait`: three connect timeouts.
    public static let defaultConnectionWait: Duration = .seconds(15)
    private let runner: Task<Void, Never>

    private let preparation = Mutex<Task<Void, any Error>?>(nil)

    /// A store for `address`; nothing is connected yet. The first call (or `prepare()`) checks
    /// the server answers and runs pending migrations.
    public init(
        _ address: PostgresAddress, maximumConnections: Int = 10, connectionWait: Duration = PostgresStore.defaultConnectionWait,
        logger: Logger = PostgresStore.quietLogger
    ) {
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
        self.connectionWait = connectionWait
        self.runner = Task { await client.run() }
    }

    /// Connects to `address`, checks the server answers, and runs pending migrations.
    ///
    /// Throws `StorageError(.unavailable, …)` naming the server (never the password) and why,
    /// when it cannot be reached or refuses the login.
    public static func open(
        _ address: PostgresAddress, maximumConnections: Int = 10, connectionWait: Duration = PostgresStore.defaultConnectionWait,
        logger: Logger = PostgresStore.quietLogger
    )
        async throws -> PostgresStore
    {
        let store = PostgresStore(address, maximumConnections: maximumConnections, connectionWait: connectionWait, logger: logger)
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
            return try await leasing { leased in
                try await client.withTransaction(logger: logger) { connection in
                    leased.mark()
                    return try await body(connection)
                }
            }
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
            return try await leasing { leased in
                try await client.withConnection { connection in
                    leased.mark()
                    return try await body(connection)
                }
            }
        } catch {
            throw storageError(error)
        }
    }

    /// Runs `operation` — which leases a pooled connection and marks `Leased` once it has one —
    /// and fails it with `.unavailable` (cancelling the lease request) when no connection was
    /// leased within `connectionWait`. Once leased, the operation runs as long as it takes.
    func leasing<T: Sendable>(_ operation: (Leased) async throws -> T) async throws -> T {
        let (leased, wait, address) = (Leased(), connectionWait, address)
        return try await withoutActuallyEscaping(operation) { operation in
            // The operation runs in exactly one child task and finishes before this returns.
            let operation = UncheckedSendable(operation)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await operation.value(leased) }
                group.addTask {
                    try await Task.sleep(for: wait)
                    guard leased.isMarked else {
                        throw StorageError(
                            .unavailable, "PostgreSQL at \(address) is unavailable: no connection within \(wait.components.seconds) s")
                    }
                    return nil
                }
                while let outcome = try await group.next() {
                    if let result = outcome {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
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

/// Set once a store call holds a pooled connection, so its wait limit no longer applies.
final class Leased: Sendable {
    private let marked = Atomic<Bool>(false)
    func mark() { marked.store(true, ordering: .releasing) }
    var isMarked: Bool { marked.load(ordering: .acquiring) }
}

/// A value handed to one child task that is known to finish before its owner returns.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
