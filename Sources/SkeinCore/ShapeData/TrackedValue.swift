public import Foundation

/// One field value of one payload at one step.
public struct TrackedValue: Sendable, Equatable {
    public var runID: RunID
    public var flowID: String
    public var shapeID: String
    public var payloadIndex: Int
    public var field: String
    public var value: String

    public init(runID: RunID, flowID: String, shapeID: String, payloadIndex: Int, field: String, value: String) {
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
