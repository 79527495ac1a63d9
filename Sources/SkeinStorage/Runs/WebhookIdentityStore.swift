public import Foundation
public import SkeinCore

/// Inbound webhook de-duplication (`dedupe:` on a webhook trigger): a delivery's identity is
/// stored in the same transaction as the run it starts, under a unique key on flow + identity,
/// so of any number of concurrent deliveries with one identity — in one process or in several
/// sharing a database — exactly one starts a run and the others learn that run's id.
public protocol WebhookIdentityStore: Sendable {
    /// Stores `run` as `queued` together with `identity` (remembered until `expiresAt`), unless
    /// the flow already holds that identity unexpired: then nothing is stored and the run it
    /// started is returned. An expired identity is taken over by the new run.
    func enqueueOnce(_ run: NewRun, identity: String, expiresAt: Date, now: Date) async throws -> WebhookIntake
    /// Deletes up to `limit` identities whose window ended by `now`; returns how many went.
    func pruneExpiredWebhookIdentities(now: Date, limit: Int) async throws -> Int
}

/// What `WebhookIdentityStore.enqueueOnce` did.
public enum WebhookIntake: Sendable, Equatable {
    /// The identity was new (or its window had ended): this run was stored.
    case started(RunRecord)
    /// A repeat: the identity already started this run, and nothing was stored.
    case repeated(RunID)
}
