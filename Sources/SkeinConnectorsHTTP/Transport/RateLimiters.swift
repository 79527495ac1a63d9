import SkeinCore

/// Keeps every executor that talks to the same instance within the instance's `rate_limit`.
///
/// One `RateLimiters` is shared by all steps of an `HTTPShape` (and so by every flow the app
/// runs), keyed by instance name: two flows pulling from the same shop share its 5/second.
///
/// The rule is a sliding window: at most `requests` requests *start* in any span of `per`.
/// A caller reserves the next free slot (in call order, so the first to ask goes first),
/// then sleeps until it, outside the actor, so waiting never blocks other instances.
///
/// ```swift
/// try await limiters.wait(for: "shop", limit: RateLimit(requests: 5, per: .seconds(1)))
/// ```
public actor RateLimiters {
    private struct Window {
        var limit: RateLimit
        /// Start times of the most recent `limit.requests` requests, oldest first.
        var starts: [ContinuousClock.Instant] = []
    }

    private var windows: [String: Window] = [:]
    private let now: @Sendable () -> ContinuousClock.Instant

    public init() {
        self.init(now: { ContinuousClock.now })
    }

    /// With the clock reservations are made by (tests pin it).
    init(now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.now = now
    }

    /// Reserves the earliest start allowed for one more request to `instance`.
    func reserve(for instance: String, limit: RateLimit) -> ContinuousClock.Instant {
        let now = now()
        var window = windows[instance] ?? Window(limit: limit)
        if window.limit != limit { window = Window(limit: limit) }
        var start = max(now, window.starts.last ?? now)
        if window.starts.count >= limit.requests {
            start = max(start, window.starts[window.starts.count - limit.requests] + limit.per)
        }
        window.starts.append(start)
        if window.starts.count > limit.requests { window.starts.removeFirst(window.starts.count - limit.requests) }
        windows[instance] = window
        return start
    }

    /// Waits until a request to `instance` may start; returns at once without a limit.
    public nonisolated func wait(for instance: String, limit: RateLimit?) async throws {
        guard let limit else { return }
        let start = await reserve(for: instance, limit: limit)
        try await Task.sleep(until: start, clock: .continuous)
    }
}
