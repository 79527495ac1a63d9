public import Foundation

/// One delivery attempt of a sync entry as it was recorded: the first send, every automatic
/// retry and every resync, whether or not the status changed — what the sync entry page lists.
/// (`SyncTransition` is the shorter story: status changes and resyncs only.)
public struct SyncAttemptRecord: Sendable, Equatable {
    /// 1 for the first send, then 2, 3, … in order.
    public var number: Int
    public var at: Date
    /// The entry's status after this attempt.
    public var status: SyncStatus
    public var reason: String
    /// The destination's answer to this attempt (status line, or the error with an excerpt of
    /// the answer), at most `maximumResponseLength` characters.
    public var response: String
    /// The destination's id for the item, when this attempt learnt it ("" otherwise).
    public var endpointID: String
    /// A resync someone asked for, rather than the first send or an automatic retry.
    public var manual: Bool

    /// The longest answer kept per attempt; a longer one is cut and ends with "…".
    public static let maximumResponseLength = 2000

    public init(number: Int, at: Date, status: SyncStatus, reason: String, response: String, endpointID: String, manual: Bool) {
        self.number = number; self.at = at; self.status = status; self.reason = reason
        self.response = response; self.endpointID = endpointID; self.manual = manual
    }

    /// `text` cut to `maximumResponseLength` characters.
    public static func excerpt(_ text: String) -> String {
        text.count <= maximumResponseLength ? text : String(text.prefix(maximumResponseLength - 1)) + "…"
    }
}
