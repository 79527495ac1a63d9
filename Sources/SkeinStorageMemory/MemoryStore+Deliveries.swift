import Foundation
import SkeinCore
import SkeinStorage

/// The delivery ledger in memory: `DeliveryLedgerRule` applied under the store's lock.
extension MemoryStore: DeliveryLedgerStore {
    public func claimDelivery(_ claim: DeliveryClaim, now: Date) async throws -> DeliveryDecision {
        try transaction { state in
            let (decision, row) = DeliveryLedgerRule.decide(claim, row: state.sync.deliveries[claim.key]?.row, now: storedTime(now))
            if let row { state.sync.deliveries[claim.key] = (row, storedTime(now)) }
            return decision
        }
    }

    public func recordDelivery(_ claim: DeliveryClaim, accepted: Bool, endpointID: String, response: String, now: Date) async throws {
        try transaction { state in
            let row = DeliveryLedgerRule.record(
                claim, accepted: accepted, endpointID: endpointID, response: response,
                row: state.sync.deliveries[claim.key]?.row, now: storedTime(now))
            state.sync.deliveries[claim.key] = (row, storedTime(now))
        }
    }

    public func delivery(_ key: DeliveryKey) async throws -> DeliveryLedgerRule.Row? {
        try transaction { state in state.sync.deliveries[key]?.row }
    }

    public func pruneDeliveries(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try transaction { state in
            let gone = state.sync.deliveries.filter { $0.value.updatedAt < cutoff }.prefix(max(0, limit)).map(\.key)
            for key in gone { state.sync.deliveries[key] = nil }
            return gone.count
        }
    }
}
