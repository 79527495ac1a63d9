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
    DataPoolStore, CacheStore, TrackedDataStore, RunVariableStore, DeliveryLedgerStore {}

/// Whether the store answers, for `GET /health`.
public protocol StoreHealth: Sendable {
    /// Throws `StorageError(.unavailable, …)` when the store cannot be read (for `GET /health`).
    func checkReachable() async throws
}
