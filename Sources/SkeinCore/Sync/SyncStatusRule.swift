/// The pure rules that turn a delivery outcome into a sync status, and decide when a
/// Pending entry is tried again. The engine, the retry service and the tests share them.
public enum SyncStatusRule {
    /// The status an entry takes after an attempt.
    ///
    /// - Parameters:
    ///   - outcome: what the attempt did.
    ///   - automaticRetries: automatic retries made before this attempt (0 for the first try,
    ///     or for a resync someone asked for: a manual resync starts a fresh retry budget).
    ///   - retryLimit: the flow's `sync_retries`.
    /// - Returns: the new status and the reason recorded with the transition.
    public static func status(after outcome: SyncOutcome, automaticRetries: Int, retryLimit: Int) -> (status: SyncStatus, reason: String) {
        switch outcome {
        case .accepted:
            return (.ok, "accepted by the destination")
        case .delivered:
            return (.sent, "delivered; waiting for the destination to confirm")
        case .permanentFailure(let message):
            return (.failed, message)
        case .alreadyDelivered(let message):
            return (.skipped, message)
        case .transientFailure(let message):
            if automaticRetries < retryLimit {
                return (.pending, "not accepted yet (retry \(automaticRetries + 1) of \(retryLimit) scheduled): \(message)")
            }
            return (
                .failed,
                retryLimit == 0
                    ? "not accepted and sync_retries is 0: \(message)"
                    : "retries exhausted (\(retryLimit)): \(message)"
            )
        }
    }

    /// Whether an entry in `status` may be confirmed (Sent → OK).
    public static func canConfirm(_ status: SyncStatus) -> Bool { status == .sent }
}

/// How long a Pending entry waits before its next automatic retry: `base × 2^n` before retry
/// `n + 1`, capped at `maximum` — unless the destination said how long to wait.
///
/// A destination that answers 429 or 503 with `Retry-After` (RFC 9110 §10.2.3) is believed:
/// the retry waits exactly that long, up to `retryAfterLimit` (so a destination cannot park an
/// entry for days), instead of the exponential backoff.
public struct SyncBackoff: Sendable, Equatable {
    public var base: Duration
    public var maximum: Duration
    /// The longest `Retry-After` honoured; longer requests wait this long.
    public var retryAfterLimit: Duration

    public init(base: Duration = .seconds(60), maximum: Duration = .seconds(3600), retryAfterLimit: Duration = .seconds(3600)) {
        self.base = base
        self.maximum = max(maximum, base)
        self.retryAfterLimit = retryAfterLimit
    }

    /// The wait before the retry that follows `retriesDone` earlier retries; `retryAfter` is
    /// the wait the destination asked for, when it asked.
    public func delay(retriesDone: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return max(.zero, min(retryAfter, retryAfterLimit)) }
        var delay = base
        for _ in 0..<max(retriesDone, 0) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// Seconds, for adding to dates.
    public func seconds(retriesDone: Int, retryAfter: Duration? = nil) -> Double {
        let components = delay(retriesDone: retriesDone, retryAfter: retryAfter).components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
