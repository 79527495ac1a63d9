/// A Sent item waiting for its destination to confirm it: the sync entry's id and the
/// endpoint id the send step recorded (for the `sftp` shape, the name of the file written).
public struct SentItem: Sendable, Equatable {
    public var entryID: SyncEntryID
    public var endpointID: String
    public var reference: String

    public init(entryID: SyncEntryID, endpointID: String, reference: String = "") {
        self.entryID = entryID
        self.endpointID = endpointID
        self.reference = reference
    }
}

/// A send step whose destination confirms receipt later (a file-based destination such as
/// SFTP: the item is Sent when the file is written, OK when the destination acknowledges it).
///
/// The engine's `SyncConfirmationService` asks the step that sent each Sent entry which of them
/// are now confirmed, and moves those to OK with the reason given here.
public protocol SyncConfirming: ShapeExecutor {
    /// Whether this step was configured to look for confirmations (an `ack:` block).
    var checksConfirmations: Bool { get }
    /// Finds the entries among `items` that the destination has confirmed, each with the reason
    /// to record (`acknowledgement file /inbound/acks/order-1.json.ack`), hands them to `record`
    /// (which stores them) and only then tidies up the destination's side (deletes
    /// acknowledgement files), so a crash in between never loses a confirmation.
    /// Returns how many were confirmed.
    func confirm(
        _ items: [SentItem], context: ShapeContext,
        record: @Sendable ([SyncEntryID: String]) async throws -> Void
    ) async throws -> Int
}
