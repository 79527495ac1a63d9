public import Foundation

/// A sync report entry about to be stored: one item a send step tried to deliver, with the
/// status the engine worked out for it.
public struct NewSyncEntry: Sendable {
    public var item: SyncItem
    public var status: SyncStatus
    /// Why it has that status (the first transition's reason).
    public var reason: String
    /// When a Pending entry is next retried.
    public var nextRetryAt: Date?
    /// When it was attempted, when not the time of the store call (imports, benchmarks).
    public var attemptedAt: Date?

    public init(item: SyncItem, status: SyncStatus, reason: String, nextRetryAt: Date? = nil, attemptedAt: Date? = nil) {
        self.item = item
        self.status = status
        self.reason = reason
        self.nextRetryAt = nextRetryAt
        self.attemptedAt = attemptedAt
    }
}

/// One row of the sync report.
public struct SyncEntry: Sendable, Equatable {
    public var id: SyncEntryID
    public var flowID: String
    public var flowVersion: Int
    public var runID: RunID
    /// The id of the send step (shape) that delivers the item.
    public var shapeID: String
    public var system: String
    public var reference: String
    public var sourceID: String
    public var endpointID: String
    public var status: SyncStatus
    /// Every delivery attempt: the first, automatic retries and resyncs.
    public var attempts: Int
    /// Automatic retries since the first try or the latest manual resync.
    public var automaticRetries: Int
    public var firstAttemptAt: Date
    public var latestAttemptAt: Date
    public var nextRetryAt: Date?
    /// The latest answer, or the latest error, in a line.
    public var latestResponse: String
    public var payloadSize: Int

    public init(
        id: SyncEntryID, flowID: String, flowVersion: Int, runID: RunID, shapeID: String, system: String, reference: String,
        sourceID: String, endpointID: String, status: SyncStatus, attempts: Int, automaticRetries: Int, firstAttemptAt: Date,
        latestAttemptAt: Date, nextRetryAt: Date?, latestResponse: String, payloadSize: Int
    ) {
        self.id = id; self.flowID = flowID; self.flowVersion = flowVersion; self.runID = runID; self.shapeID = shapeID
        self.system = system; self.reference = reference; self.sourceID = sourceID; self.endpointID = endpointID
        self.status = status; self.attempts = attempts; self.automaticRetries = automaticRetries
        self.firstAttemptAt = firstAttemptAt; self.latestAttemptAt = latestAttemptAt; self.nextRetryAt = nextRetryAt
        self.latestResponse = latestResponse; self.payloadSize = payloadSize
    }
}

/// One change of an entry's status, kept forever with the entry.
public struct SyncTransition: Sendable, Equatable {
    public var at: Date
    /// nil for the entry's first status.
    public var from: SyncStatus?
    public var to: SyncStatus
    public var reason: String

    public init(at: Date, from: SyncStatus?, to: SyncStatus, reason: String) {
        self.at = at; self.from = from; self.to = to; self.reason = reason
    }
}

/// The result of one more delivery attempt of an existing entry.
public struct SyncAttempt: Sendable {
    public var status: SyncStatus
    public var reason: String
    /// The destination's id for the item, when this attempt learnt it.
    public var endpointID: String?
    public var response: String
    public var nextRetryAt: Date?
    /// A resync someone asked for (resets the automatic retry count) rather than an automatic retry.
    public var manual: Bool
    /// The delivery ledger key of an accepted delivery, so the ledger links it to this entry.
    public var delivery: DeliveryKey?

    public init(
        status: SyncStatus, reason: String, endpointID: String?, response: String, nextRetryAt: Date?, manual: Bool,
        delivery: DeliveryKey? = nil
    ) {
        self.status = status; self.reason = reason; self.endpointID = endpointID; self.response = response
        self.nextRetryAt = nextRetryAt; self.manual = manual; self.delivery = delivery
    }
}

/// Where a sync entry was sent from, for sending it again.
public struct SyncOrigin: Sendable, Equatable {
    public var flowID: String
    public var flowVersion: Int
    public var runID: RunID
    public var shapeID: String

    public init(flowID: String, flowVersion: Int, runID: RunID, shapeID: String) {
        self.flowID = flowID; self.flowVersion = flowVersion; self.runID = runID; self.shapeID = shapeID
    }
}
