import Foundation
import GRDB
import SkeinCore
import SkeinInstrumentation
import SkeinJSON
public import SkeinStorage

/// The embedded store: one SQLite file in WAL mode, opened once per process.
///
/// Several processes (a `skein serve` and a `skein run`) may share the file: SQLite
/// serialises their writes, and run leases keep them from working on the same run.
/// Commits are durable (`synchronous = FULL`): a payload acknowledged is on disk.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    public let path: String
    /// Group commit for the delivery ledger's claims and answers (`SQLiteStore+Deliveries`).
    let ledger: GroupCommit<DeliveryLedgerWrite, DeliveryDecision?>

    /// Opens (creating if needed) the database at `path` and runs pending migrations. A new
    /// file is created readable by its owner only (0600); SQLite gives its `-wal` and `-shm`
    /// files the database file's mode.
    public init(path: String) throws {
        self.path = path
        Self.createPrivately(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL for WAL pools after prepareDatabase; FULL makes each commit durable.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try SQLiteMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StorageError(.unavailable, "cannot open the SQLite database at \(path): \(error.message ?? "\(error)")")
        }
        ledger = Self.ledgerGroupCommit(pool)
    }

    /// Creates `path` empty with mode 0600 unless it exists (an empty file is an empty database).
    static func createPrivately(_ path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 { close(descriptor) }
    }

    /// One write transaction, timed as the calling store method (`skein_store_operation_duration_seconds`).
    /// `syncing: false` is for writes whose loss in a power cut only repeats work (claiming runs,
    /// the delivery ledger's answers): see `commitWithoutSync`.
    func write<T: Sendable>(
        function: String = #function, syncing: Bool = true, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await Self.write(on: pool, function: function, syncing: syncing, body)
    }

    /// One write transaction on `pool`, timed as `function` (for work that cannot hold the store).
    static func write<T: Sendable>(
        on pool: DatabasePool, function: String, syncing: Bool = true, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await StoreOperation.measure(backend: "sqlite", function: function) {
            do {
                if syncing { return try await pool.write(body) }
                return try await pool.writeWithoutTransaction { db in try commitWithoutSync(db, body) }
            } catch let error as DatabaseError {
                throw StorageError(.unavailable, "SQLite write failed: \(error.message ?? "\(error)")")
            }
        }
    }

    /// `body` in one transaction whose commit does not wait for the disk (`synchronous = NORMAL`
    /// for this commit only; the connection is back at `FULL` afterwards, committed or not).
    ///
    /// SQLite's write-ahead log keeps commits in order, so the next durable commit (a step's
    /// start or end, a run's end, an intake batch, a delivery claim) syncs this one with it, and
    /// a power cut before that rolls the database back to the last durable commit — as if the
    /// process had stopped just before this write. A `kill -9` loses nothing either way: the
    /// commit is in the operating system's cache as soon as SQLite returns.
    private static func commitWithoutSync<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        var value: T?
        let committed = Result {
            try db.inTransaction(.immediate) {
                value = try body(db)
                return .commit
            }
        }
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try committed.get()
        return value!  // set: the transaction committed
    }

    /// One read transaction, timed as the calling store method.
    func read<T: Sendable>(function: String = #function, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await StoreOperation.measure(backend: "sqlite", function: function) {
            do { return try await pool.read(body) } catch let error as DatabaseError {
                throw StorageError(.unavailable, "SQLite read failed: \(error.message ?? "\(error)")")
            }
        }
    }
}

// MARK: - Value conversions shared by the record mappers

extension Date {
    var storageValue: Double { timeIntervalSince1970 }
    init(storageValue: Double) { self.init(timeIntervalSince1970: storageValue) }
}

extension Row {
    func date(_ column: String) -> Date? {
        (self[column] as Double?).map(Date.init(storageValue:))
    }

    /// The date in column `index` (by position, for hot readers such as `SQLiteStore.runRecord`).
    func date(at index: Int) -> Date? {
        (self[index] as Double?).map(Date.init(storageValue:))
    }
}

func encodeJSON(_ value: JSON?) -> String? { value?.serialized() }

func decodeJSON(_ text: String?) -> JSON? {
    guard let text else { return nil }
    return try? JSON(parsing: text)
}

extension SQLiteStore: SkeinStore {}

extension SQLiteStore: StoreHealth {
    public func checkReachable() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
    }

    public func schemaState() async throws -> SchemaState {
        try await read { db in
            let migrator = SQLiteMigrations.migrator
            return SchemaState(known: migrator.migrations, applied: try migrator.appliedIdentifiers(db))
        }
    }
}
