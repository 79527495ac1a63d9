/// The status of one sync report entry: did an item reach the destination system?
///
/// | status    | meaning                                                                          |
/// |-----------|----------------------------------------------------------------------------------|
/// | `ok`      | the destination accepted the item                                                |
/// | `sent`    | a file-based destination received it; becomes `ok` when the destination confirms |
/// | `pending` | pushed but not accepted (the destination was down); it will be retried          |
/// | `failed`  | a permanent error, or the retries ran out                                        |
/// | `skipped` | not sent: the delivery ledger says the destination already has it (`deliver:`)   |
public enum SyncStatus: String, Sendable, CaseIterable, Comparable {
    case ok, sent, pending, failed, skipped

    public static func < (lhs: SyncStatus, rhs: SyncStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What happened to one item a send step tried to deliver, as the shape saw it.
public enum SyncOutcome: Sendable, Equatable {
    /// The destination accepted it (a 2xx answer).
    case accepted
    /// A file-based destination received it; acceptance is confirmed later.
    case delivered
    /// Not accepted, but trying again may help (a refused connection, a timeout, a 5xx, a 429).
    case transientFailure(String)
    /// Not accepted, and trying again will not help (a 4xx, a bad payload).
    case permanentFailure(String)
    /// Not sent: the delivery ledger says the destination already has it; the reason names
    /// the delivery (`DeliveryRecord.described`).
    case alreadyDelivered(String)
}

/// One item a send step tried to deliver, reported by the shape so the engine can keep a
/// sync report entry for it. The shape knows the destination; the engine owns storage.
public struct SyncItem: Sendable, Equatable {
    /// The destination system as people name it (`ERP`, `Shopify`).
    public var system: String
    /// The business reference people search for (`#1001`, `DEMOTEST-SS-YELLOW`).
    public var reference: String
    /// The item's id in the source system, when known.
    public var sourceID: String
    /// The item's id in the destination system, when the destination said.
    public var endpointID: String
    /// The payload exactly as sent, kept so the item can be re-sent.
    public var payload: Payload
    public var outcome: SyncOutcome
    /// A short summary of the destination's answer (`201 Created`), when there was one.
    public var response: String?
    /// The delivery ledger key and the content hash, when the send consulted the ledger.
    public var delivery: DeliveryKey?
    public var contentHash: String?
    /// Said with the entry's first status (e.g. that an unconfirmed delivery was repeated).
    public var note: String?
    /// How long the destination asked to wait before trying again (`Retry-After` on a 429 or
    /// 503), when it asked; the next automatic retry waits that long (`SyncBackoff`).
    public var retryAfter: Duration?

    public init(
        system: String, reference: String, sourceID: String = "", endpointID: String = "", payload: Payload,
        outcome: SyncOutcome, response: String? = nil
    ) {
        self.system = system
        self.reference = reference
        self.sourceID = sourceID
        self.endpointID = endpointID
        self.payload = payload
        self.outcome = outcome
        self.response = response
    }
}
