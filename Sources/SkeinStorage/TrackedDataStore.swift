public import Foundation

/// Values of chosen fields (an order number, a SKU) of payloads that passed through `track`
/// shapes, so people can ask "where did order 1042 go" across runs. Values belong to their run:
/// when retention deletes a run, its tracked values go with it (same transaction).
public protocol TrackedDataStore: Sendable {
    /// Stores the values one step tracked, in one transaction (a re-run step replaces its own).
    func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws
    /// Where `value` was seen (exactly), newest first; only in `field` when given.
    func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit]
}

/// One field value of one payload at one step.
public struct TrackedValue: Sendable, Equatable {
    public var runID: Int64
    public var flowID: String
    public var shapeID: String
    public var payloadIndex: Int
    public var field: String
    public var value: String

    public init(runID: Int64, flowID: String, shapeID: String, payloadIndex: Int, field: String, value: String) {
        self.runID = runID; self.flowID = flowID; self.shapeID = shapeID
        self.payloadIndex = payloadIndex; self.field = field; self.value = value
    }
}

/// A search result: the tracked value, when it was tracked, and the run's status now.
public struct TrackedHit: Sendable, Equatable {
    public var value: TrackedValue
    public var trackedAt: Date
    public var runStatus: String?

    public init(value: TrackedValue, trackedAt: Date, runStatus: String?) {
        self.value = value
        self.trackedAt = trackedAt
        self.runStatus = runStatus
    }
}
