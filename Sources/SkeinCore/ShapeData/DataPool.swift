public import Foundation

/// Who claimed a key: the run and the step (shape id) whose payload carried it first.
public struct PoolClaimant: Sendable, Equatable {
    public var runID: RunID?
    public var shapeID: String?

    public init(runID: RunID?, shapeID: String?) {
        self.runID = runID
        self.shapeID = shapeID
    }
}

/// One key of a pool as stored.
public struct PoolKey: Sendable, Equatable {
    public var key: String
    public var firstSeenAt: Date
    public var expiresAt: Date?
    public var runID: RunID?

    public init(key: String, firstSeenAt: Date, expiresAt: Date?, runID: RunID? = nil) {
        self.key = key
        self.firstSeenAt = firstSeenAt
        self.expiresAt = expiresAt
        self.runID = runID
    }
}

public struct DataPoolSummary: Sendable, Equatable {
    public var name: String
    public var keys: Int
    public var oldest: Date?
    public var newest: Date?

    public init(name: String, keys: Int, oldest: Date?, newest: Date?) {
        self.name = name
        self.keys = keys
        self.oldest = oldest
        self.newest = newest
    }
}
