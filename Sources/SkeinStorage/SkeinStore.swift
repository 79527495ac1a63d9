/// Everything Skein keeps, as domain operations. Each method is one transaction in the
/// backend, so a crash between two calls never leaves half of one behind.
///
/// This is the composition a backend implements and the composition root (`SkeinEnvironment`)
/// opens. Everything else takes the narrow protocols it uses — `FlowReader`, `RunIntake`,
/// `RunQueue`, `RunLogWriter`, `RunLogReader`, `SyncReportReader`, … — or a small composition
/// of them, so a reader of a type sees what it touches and a test can hand it any backend.
///
/// Backends: `SQLiteStore` (embedded, one machine), `PostgresStore` (several processes) and
/// `MemoryStore` (tests, tools). All pass the storage conformance suite (`StorageConformance`).
public protocol SkeinStore: FlowStore, RunStore, RetentionStore, InstanceStore, SyncStore, AccessStore, StoreHealth, RunCountStore,
    DataPoolStore, CacheStore, TrackedDataStore, RunVariableStore, DeliveryLedgerStore,
    AlertStore, LookupStore, WebhookIdentityStore, ActionTokenStore
{}

/// Whether the store answers, for `GET /health`.
public protocol StoreHealth: Sendable {
    /// Throws `StorageError(.unavailable, …)` when the store cannot be read (for `GET /health`).
    func checkReachable() async throws
    /// Which schema migrations the database lacks or has beyond this build (for `GET /health/ready`).
    /// Reads only: it never applies a migration.
    func schemaState() async throws -> SchemaState
}

/// The database schema compared with the migrations this build of Skein knows.
public struct SchemaState: Sendable, Equatable {
    /// Migrations this build needs that the database has not applied (yet), in order.
    public var pending: [String]
    /// Migrations the database has that this build does not know: a newer Skein migrated it.
    public var unknown: [String]

    public init(pending: [String], unknown: [String]) {
        self.pending = pending
        self.unknown = unknown
    }

    /// Compares the migrations this build knows (in order) with those the database recorded.
    public init(known: [String], applied: Set<String>) {
        pending = known.filter { !applied.contains($0) }
        unknown = applied.subtracting(known).sorted()
    }
}
