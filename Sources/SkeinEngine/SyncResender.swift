public import Foundation
public import Logging
public import SkeinCore
import SkeinInstrumentation
import SkeinJSON
public import SkeinStorage
import Tracing

/// Sends a sync entry's stored payload again through the same step of the same flow version
/// and instance, and records the outcome as a new attempt on the same entry.
///
/// `SyncRetryService` uses it for automatic retries of Pending entries; `skein sync resync`
/// for resyncs people ask for. A manual resync starts a fresh automatic-retry budget.
public struct SyncResender: Sendable {
    /// The sync report it reads and updates, and the flow version, run log and variables the
    /// entry's step had when it first sent it.
    public typealias Store = SyncStore & FlowReader & RunLogReader & RunVariableStore

    public let store: any Store
    public let catalog: ShapeCatalog
    public let instances: any InstanceResolver
    public let backoff: SyncBackoff
    public let logger: Logger
    public let now: @Sendable () -> Date

    public init(
        store: any Store, catalog: ShapeCatalog, instances: any InstanceResolver, backoff: SyncBackoff,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.catalog = catalog
        self.instances = instances
        self.backoff = backoff
        self.logger = logger
        self.now = now
    }

    /// Re-sends entry `id`; returns the entry as it is afterwards.
    /// Throws when the entry does not exist (a delivery problem is recorded, not thrown).
    @discardableResult
    ///
    /// The send goes through the delivery ledger like the first one did: an item the destination
    /// meanwhile received with identical content (from another run) becomes Skipped. `force`
    /// (a resync of an OK entry someone confirmed) sends it anyway (`deliver: always`): a manual
    /// resync of an OK entry is always forced — callers ask for confirmation first
    /// (`skein sync resync --include-ok`).
    public func resend(id: SyncEntryID, manual: Bool, force: Bool = false) async throws -> SyncEntry {
        guard let entry = try await store.syncEntry(id: id), let origin = try await store.syncOrigin(id: id) else {
            throw StorageError(.notFound, "no sync entry \(id)")
        }
        let force = force || (manual && entry.status == .ok)
        // Someone resynced or confirmed it since the retry was claimed: nothing to do.
        if !manual && entry.status != .pending { return entry }
        let retriesDone = manual ? 0 : entry.automaticRetries + 1
        var retryLimit = 4
        let outcome: SyncOutcome
        var endpointID: String?
        var response: String?
        var delivery: DeliveryKey?
        var note: String?
        var retryAfter: Duration?
        do {
            let (flow, executor) = try await step(origin)
            retryLimit = flow.syncRetries
            guard let payload = try await store.syncPayload(entryID: id) else { throw StorageError(.notFound, "no payload for sync entry \(id)") }
            let context = ShapeContext(
                runID: origin.runID, flowID: origin.flowID, shapeID: origin.shapeID, attempt: entry.attempts + 1,
                variables: try await variables(origin, flow: flow), instances: instances,
                deliveries: store as? any DeliveryLedger, deliverOverride: force ? .always : nil)
            // Its own trace: the entry's run may be long gone; its calls are children of this span.
            let result = try await withSpan("sync resend \(origin.flowID)", context: .topLevel) { span in
                span.attributes["skein.sync.entry_id"] = Int(id.rawValue)
                span.attributes["skein.flow.id"] = origin.flowID
                span.attributes["skein.shape.id"] = origin.shapeID
                span.attributes["skein.sync.trigger"] = manual ? "manual" : "automatic"
                return try await executor.execute([payload], context: context)
            }
            if let item = result.syncItems.first {
                outcome = item.outcome
                endpointID = item.endpointID
                response = item.response
                delivery = item.delivery
                note = item.note
                retryAfter = item.retryAfter
            } else {
                outcome = .accepted
            }
        } catch let failure as ShapeFailure {
            outcome = failure.isTransient ? .transientFailure(failure.message) : .permanentFailure(failure.message)
            retryAfter = failure.retryAfter
        } catch let error as StorageError {
            throw error
        } catch {
            outcome = .permanentFailure("cannot send again: \(error)")
        }
        var (status, reason) = SyncStatusRule.status(after: outcome, automaticRetries: retriesDone, retryLimit: retryLimit)
        if let note { reason += "; " + note }
        let time = now()
        let next = status == .pending ? time.addingTimeInterval(backoff.seconds(retriesDone: retriesDone, retryAfter: retryAfter)) : nil
        try await store.recordSyncAttempt(
            entryID: id,
            SyncAttempt(
                status: status, reason: reason, endpointID: endpointID, response: response ?? reason, nextRetryAt: next, manual: manual,
                delivery: delivery), now: time)
        SkeinMetric.syncRetries.increment(origin.flowID, manual ? "manual" : "automatic", status.rawValue)
        logger.info("sync entry sent again", metadata: ["sync.id": "\(id)", "status": "\(status.rawValue)", "manual": "\(manual)"])
        return try await store.syncEntry(id: id) ?? entry
    }

    /// The flow version and the executor of the step that first sent the entry.
    func step(_ origin: SyncOrigin) async throws -> (FlowDefinition, any ShapeExecutor) {
        guard let deployed = try await store.flow(id: origin.flowID, version: origin.flowVersion) else {
            throw ShapeFailure("flow '\(origin.flowID)' version \(origin.flowVersion) is no longer deployed")
        }
        let prepared = try RunExecutor.prepareTree(deployed, catalog: catalog)
        guard let executor = prepared.executors[origin.shapeID] else {
            throw ShapeFailure("flow '\(origin.flowID)' v\(origin.flowVersion) has no step '\(origin.shapeID)'")
        }
        return (prepared.flow, executor)
    }
}

extension SyncResender {
    /// The flow variables the send step had when the entry was first sent (defaults when the
    /// run's log is gone), so `{{variables}}` in its templates render the same on a resend.
    func variables(_ origin: SyncOrigin, flow: FlowDefinition) async throws -> [String: JSON] {
        var variables = flow.variables
        let sequence = try await store.steps(runID: origin.runID).first { $0.shapeID == origin.shapeID }?.sequence
        for (name, value) in try await store.runVariables(runID: origin.runID, throughSequence: (sequence ?? Int.max - 1) - 1) ?? [:] {
            variables[name] = value
        }
        return variables
    }
}
