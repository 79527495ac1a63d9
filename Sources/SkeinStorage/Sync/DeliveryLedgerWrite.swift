public import Foundation
public import SkeinCore

/// One delivery-ledger write, as a store that group-commits its ledger (`GroupCommit`) queues it:
/// a claim (answered with a `DeliveryDecision`) or a recorded answer (answered with nothing).
/// A batch's writes are applied in arrival order, so of two claims of one key in one batch the
/// first may send and the second sees it in flight — exactly as if each had its own transaction.
public enum DeliveryLedgerWrite: Sendable {
    case claim(DeliveryClaim, now: Date)
    case record(DeliveryClaim, accepted: Bool, endpointID: String, response: String, now: Date)
}

extension DeliveryLedgerWrite {
    /// Whether this write is a claim (what a send waits on before sending) rather than an answer.
    public var isClaim: Bool {
        if case .claim = self { return true }
        return false
    }
}
