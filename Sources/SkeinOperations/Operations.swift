public import Foundation
public import SkeinCore
public import SkeinEngine
public import SkeinJSON
public import SkeinStorage

/// Every use case Skein's front ends offer, in one place: the CLI, the REST API, the web UI and
/// the MCP server are thin adapters that turn their input into `Inputs` or typed requests,
/// call an operation with the caller's `Identity`, and present what it returns (domain values)
/// or the `OperationError` it throws.
///
/// Each operation checks its caller against `Permission` first, parses filters, dates and
/// pages with the one set of parsers (`RunFilter`, `SyncFilter`, `Inputs`), records what
/// changed in the audit log, and throws one error type with stable codes. So the front ends
/// give the same answers — the same results, the same refusals, the same messages — which
/// `FilterParityTests` checks with one table of inputs through the operations, the API, the UI and
/// the MCP tools (the CLI's messages are checked by tests/e2e/test_sync_reports.py).
///
/// Built once by the composition root (`SkeinEnvironment.operations`) and passed down.
public struct Operations: Sendable {
    /// What the operations read and change.
    public typealias Store = FlowReader & FlowWriter & RunIntake & RunQueue & RunLogReader & RunCountStore & SyncStore
        & AccessStore & DataPoolAdmin & AlertStore & InstanceStore & LookupStore & ActionTokenStore

    public let store: any Store
    public let access: AccessService
    /// Sends sync entries again; nil where this process cannot send (resync is then `misconfigured`).
    public let resender: SyncResender?
    /// The shape types flows may use (deploys and skip toggles are validated against it).
    public let catalog: ShapeCatalog
    /// The blueprints `skein blueprint` and `/api/v1/blueprints` offer.
    public let blueprintCatalog: BlueprintCatalog
    public let now: @Sendable () -> Date

    public init(
        store: any Store, access: AccessService? = nil, resender: SyncResender? = nil, catalog: ShapeCatalog = ShapeCatalog(),
        blueprints: BlueprintCatalog = .builtIn, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.blueprintCatalog = blueprints
        self.store = store
        self.access = access ?? AccessService(store: store, now: now)
        self.resender = resender
        self.catalog = catalog
        self.now = now
    }

    public var runs: RunOperations { RunOperations(store: store, audit: audit, now: now) }
    public var recovery: RecoveryOperations { RecoveryOperations(store: store, runs: runs, audit: audit, now: now) }
    public var sync: SyncOperations { SyncOperations(store: store, resender: resender, audit: audit, now: now) }
    public var flows: FlowOperations { FlowOperations(store: store, catalog: catalog, audit: audit, now: now) }
    /// Tries a shape's unsaved settings on a payload its step received (the builder's live preview).
    public var preview: ShapePreviewOperations { ShapePreviewOperations(store: store, catalog: catalog) }
    public var users: AccessOperations { AccessOperations(service: access, audit: audit) }
    public var pools: PoolOperations { PoolOperations(store: store, audit: audit, now: now) }
    public var alertGroups: AlertGroupOperations { AlertGroupOperations(store: store, audit: audit, now: now) }
    public var blueprints: BlueprintOperations { BlueprintOperations(catalog: blueprintCatalog, store: store, flows: flows, audit: audit) }
    public var lookups: LookupOperations { LookupOperations(store: store, audit: audit, now: now) }
    public var instances: InstanceOperations { InstanceOperations(store: store, audit: audit, now: now) }
    /// One-time tokens of the web UI's recovery forms (a repeated submission is refused).
    public var actionTokens: ActionTokens { ActionTokens(store: store, now: now) }

    /// Writes the audit log as the access service does.
    var audit: AuditTrail { AuditTrail(service: access) }

    /// The queue launcher: runs an operation starts are stored for `skein serve`'s workers.
    public var queue: any RunLauncher { QueueLauncher(intake: store, now: now) }
}

/// Records who changed or re-ran what (`AuditLog`), for every operation that changes something.
public struct AuditTrail: Sendable {
    let service: AccessService

    public func record(_ caller: Identity, _ action: String, target: String, details: JSON.Object? = nil) async throws {
        try await service.audit(caller, action, target: target, details: details.map(JSON.object))
    }
}
