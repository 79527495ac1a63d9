public import Foundation

/// When a send with `sync:` delivers an item whose reference it delivered before (`deliver:`).
///
/// | rule         | sends the item when                                                      |
/// |--------------|--------------------------------------------------------------------------|
/// | `if_changed` | its content differs from what was last delivered OK (the default)        |
/// | `always`     | every time (the ledger still records what was delivered)                 |
/// | `once`       | nothing was ever delivered OK for its reference to that destination      |
public enum DeliveryRule: String, Sendable, CaseIterable {
    case ifChanged = "if_changed"
    case always
    case once
}

/// What the ledger is keyed by: one reference at one destination (a system and the instance
/// that reaches it).
public struct DeliveryKey: Sendable, Hashable {
    public var system: String
    public var instance: String
    public var reference: String

    public init(system: String, instance: String, reference: String) {
        self.system = system; self.instance = instance; self.reference = reference
    }
}

/// Who is delivering: a send step of a run. A step re-run after a crash, a step retry and an
/// automatic retry or resync of its entries are the same claimant; a replay is a new run.
public struct DeliveryClaimant: Sendable, Hashable {
    public var runID: RunID
    public var shapeID: String

    public init(runID: RunID, shapeID: String) { self.runID = runID; self.shapeID = shapeID }
}

/// A request to deliver one item: checked against the ledger and, when it may be sent,
/// recorded as in flight so concurrent runs (and processes) do not send it too.
public struct DeliveryClaim: Sendable, Equatable {
    public var key: DeliveryKey
    /// Hex SHA-256 of the content sent (`DeliveryStamp.contentHash`).
    public var contentHash: String
    public var claimant: DeliveryClaimant
    public var rule: DeliveryRule

    public init(key: DeliveryKey, contentHash: String, claimant: DeliveryClaimant, rule: DeliveryRule) {
        self.key = key; self.contentHash = contentHash; self.claimant = claimant; self.rule = rule
    }
}

/// The latest delivery the destination accepted for a key.
public struct DeliveryRecord: Sendable, Equatable {
    public var contentHash: String
    public var claimant: DeliveryClaimant
    public var at: Date
    /// The sync entry that records it, once the step that delivered it has stored its entries.
    public var entryID: SyncEntryID?
    public var endpointID: String
    /// The destination's status line (`201 Created`).
    public var response: String

    public init(contentHash: String, claimant: DeliveryClaimant, at: Date, entryID: SyncEntryID?, endpointID: String, response: String) {
        self.contentHash = contentHash; self.claimant = claimant; self.at = at; self.entryID = entryID
        self.endpointID = endpointID; self.response = response
    }

    /// "sync entry 12 (run 3, step post-order) on 2026-05-01T10:00:00Z", for reasons people read.
    public var described: String {
        let when = ISO8601DateFormatter().string(from: at)
        let entry = entryID.map { "sync entry \($0) " } ?? ""
        return "\(entry)(run \(claimant.runID), step \(claimant.shapeID)) on \(when)"
    }
}

/// The ledger's answer to a claim.
public enum DeliveryDecision: Sendable, Equatable {
    /// Send it. `repeated`: this claimant claimed the same content before and never recorded
    /// an answer (the process stopped between sending and recording), so the destination may
    /// already have it; the stable idempotency key lets it tell.
    case send(repeated: Bool)
    /// Do not send: the destination accepted this content (or, under `once`, something) before.
    case delivered(DeliveryRecord)
    /// Do not send: another run is delivering the same content right now.
    case inFlight(DeliveryClaimant)
}

/// The delivery ledger as a send step uses it: claim before sending, record after the answer.
///
/// Implementations are atomic across runs and processes sharing one store: two concurrent
/// claims of the same key and content never both get `.send`.
public protocol DeliveryLedger: Sendable {
    /// Decides whether the item may be sent and, when it may, marks it in flight for `claim.claimant`.
    func claimDelivery(_ claim: DeliveryClaim, now: Date) async throws -> DeliveryDecision
    /// Records the destination's answer to a claimed send: accepted → the key's latest delivery
    /// (content hash, claimant, endpoint id, status line); not accepted → the claim is released.
    func recordDelivery(_ claim: DeliveryClaim, accepted: Bool, endpointID: String, response: String, now: Date) async throws
}

/// How a ledger treats a claim, as pure code shared by every backend: given the key's current
/// row (or none), what to answer and how the row changes.
public enum DeliveryLedgerRule {
    /// A claim older than this is abandoned (its run was cancelled or failed after claiming);
    /// another claimant may take the key over.
    public static let claimTimeout: TimeInterval = 15 * 60

    /// The row of one key, as every backend stores it.
    public struct Row: Sendable, Equatable {
        public var delivered: DeliveryRecord?
        public var claimHash: String?
        public var claimant: DeliveryClaimant?
        public var claimedAt: Date?

        public init(delivered: DeliveryRecord? = nil, claimHash: String? = nil, claimant: DeliveryClaimant? = nil, claimedAt: Date? = nil) {
            self.delivered = delivered; self.claimHash = claimHash; self.claimant = claimant; self.claimedAt = claimedAt
        }
    }

    /// The decision for `claim` against `row`, and the row to store (nil: unchanged).
    public static func decide(_ claim: DeliveryClaim, row: Row?, now: Date) -> (DeliveryDecision, Row?) {
        var row = row ?? Row()
        if let delivered = row.delivered, claim.rule != .always {
            if claim.rule == .once || delivered.contentHash == claim.contentHash { return (.delivered(delivered), nil) }
        }
        if let claimant = row.claimant, let claimedAt = row.claimedAt {
            if claimant == claim.claimant {
                let repeated = row.claimHash == claim.contentHash
                row.claimHash = claim.contentHash
                row.claimedAt = now
                return (.send(repeated: repeated), row)
            }
            if row.claimHash == claim.contentHash, claim.rule != .always, now.timeIntervalSince(claimedAt) < claimTimeout {
                return (.inFlight(claimant), nil)
            }
        }
        row.claimant = claim.claimant
        row.claimHash = claim.contentHash
        row.claimedAt = now
        return (.send(repeated: false), row)
    }

    /// The row after the answer to `claim`: an accepted delivery becomes the key's latest
    /// (keeping the entry link only when it is the same delivery); the claim is released when it is still this claimant's.
    public static func record(_ claim: DeliveryClaim, accepted: Bool, endpointID: String, response: String, row: Row?, now: Date) -> Row {
        var row = row ?? Row()
        if accepted {
            row.delivered = DeliveryRecord(
                contentHash: claim.contentHash, claimant: claim.claimant, at: now, entryID: nil,
                endpointID: endpointID, response: response)
        }
        if row.claimant == claim.claimant {
            row.claimant = nil; row.claimHash = nil; row.claimedAt = nil
        }
        return row
    }
}
