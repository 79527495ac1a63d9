public import Foundation
public import SkeinCore

/// Values of chosen fields (an order number, a SKU) of payloads that passed through `track`
/// shapes, so people can ask "where did order 1042 go" across runs. Values belong to their run:
/// when retention deletes a run, its tracked values go with it (same transaction).
public protocol TrackedDataStore: Sendable {
    /// Stores the values one step tracked, in one transaction (a re-run step replaces its own).
    func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws
    /// Where `value` was seen (exactly), newest first; only in `field` when given.
    func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit]
}
