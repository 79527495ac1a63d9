import Foundation
import SkeinCore
import SkeinJSON
public import SkeinStorage
import Synchronization

/// A store that keeps everything in memory: for tests and tools that need *a* store, not a
/// database file. It passes the same conformance suite as SQLite and PostgreSQL
/// (`StorageConformance`), so code tested against it behaves the same on the real backends.
///
/// Every operation runs under one lock from its first read to its last write, which makes it a
/// transaction: atomic (each method checks everything that can fail before it changes
/// anything, so a thrown error leaves the store as it was) and isolated (claims, leases and
/// insert-if-absent cannot interleave). "Opening it again" is using the same instance, which
/// is what several processes sharing one database look like here. Nothing survives the process.
///
/// Stored values go through the same conversions as on disk, so they read back the same:
/// payloads through `PayloadCodec` (sizes and compression as in the run log), times as seconds
/// since 1970, text sorted in byte order (SQLite's BINARY, PostgreSQL's "C" collation).
public final class MemoryStore: Sendable {
    let state = Mutex(MemoryState())

    public init() {}

    /// Runs `body` as one transaction. `body` must throw only before it changes `state`.
    func transaction<T: Sendable>(_ body: (inout MemoryState) throws -> T) throws -> T {
        try state.withLock { state throws -> T in try body(&state) }
    }
}

extension MemoryStore: SkeinStore {}

extension MemoryStore: StoreHealth {
    /// Memory is always reachable.
    public func checkReachable() async throws {}

    /// Memory has no schema to migrate: it is always current.
    public func schemaState() async throws -> SchemaState { SchemaState(pending: [], unknown: []) }
}

/// Everything a `MemoryStore` holds: one value, changed only under its lock.
struct MemoryState: ~Copyable {
    var flows = FlowTables()
    var runs = RunTables()
    var instances: [String: StoredInstance] = [:]
    var sync = SyncTables()
    var access = AccessTables()
    var shapeData = ShapeDataTables()
    var alerts = AlertTables()
    var lookups = LookupTables()
    var webhookIdentities = WebhookIdentityTable()
    var actionTokens = ActionTokenTable()
}

// MARK: - How values are stored

/// A time as the databases keep it (seconds since 1970 as a double), so it reads back the same.
func storedTime(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970) }

/// Byte order of UTF-8 text: SQLite's BINARY collation and PostgreSQL's "C".
func byteOrder(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.lexicographicallyPrecedes(rhs.utf8) }

/// A payload as stored: encoded by `PayloadCodec`, with its content type.
struct StoredPayload: Sendable {
    var contentType: String
    var encoded: PayloadCodec.Encoded

    init(_ payload: Payload) {
        contentType = payload.contentType
        encoded = PayloadCodec.encode(payload)
    }

    /// The bytes as produced, in a payload of the stored content type (as the disk backends return it).
    func payload() throws -> Payload {
        Payload(bytes: try PayloadCodec.decode(encoding: encoded.encoding, data: encoded.data, size: encoded.size), contentType: contentType)
    }
}
