public import Foundation

/// A run as stored.
public struct RunRecord: Sendable, Equatable {
    public var id: RunID
    public var flowID: String
    public var flowVersion: Int
    public var status: RunStatus
    public var trigger: TriggerKind
    public var priority: Int
    public var entryShapeID: String?
    public var originRunID: RunID?
    public var queuedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why it failed or stopped, naming the step.
    public var error: String?
    public var failedShapeID: String?
    public var hasWarnings: Bool
    public var stopRequested: Bool
    /// The worker holding the run, and until when (a lease a crashed worker stops renewing).
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// How many times a worker has picked the run up (more than 1 after a crash and resume).
    public var claims: Int
    public var inputCount: Int
    /// The run's payloads were deleted by retention; its log (steps, counts, errors) remains.
    public var payloadsExpired: Bool
    /// The W3C `traceparent` of the run's first traced pick-up (`RunLogWriter.recordTraceParent`);
    /// nil when tracing was off. A resumed run continues this trace.
    public var traceParent: String?

    public init(
        id: RunID, flowID: String, flowVersion: Int, status: RunStatus, trigger: TriggerKind, priority: Int, entryShapeID: String?,
        originRunID: RunID?, queuedAt: Date, startedAt: Date?, finishedAt: Date?, error: String?, failedShapeID: String?,
        hasWarnings: Bool, stopRequested: Bool, leaseOwner: String?, leaseExpiresAt: Date?, claims: Int, inputCount: Int,
        payloadsExpired: Bool = false, traceParent: String? = nil
    ) {
        self.id = id; self.flowID = flowID; self.flowVersion = flowVersion; self.status = status; self.trigger = trigger
        self.priority = priority; self.entryShapeID = entryShapeID; self.originRunID = originRunID; self.queuedAt = queuedAt
        self.startedAt = startedAt; self.finishedAt = finishedAt; self.error = error; self.failedShapeID = failedShapeID
        self.hasWarnings = hasWarnings; self.stopRequested = stopRequested; self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt; self.claims = claims; self.inputCount = inputCount
        self.payloadsExpired = payloadsExpired
        self.traceParent = traceParent
    }

    /// The trace id (32 hexadecimal digits) of `traceParent`: what a tracing UI searches by.
    public var traceID: String? {
        let parts = traceParent?.split(separator: "-") ?? []
        return parts.count >= 4 && parts[1].count == 32 ? String(parts[1]) : nil
    }
}
