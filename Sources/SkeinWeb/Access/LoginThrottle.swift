import Foundation

/// Counts failed sign-ins per username in a sliding window, so a password cannot be guessed
/// at network speed: past the limit, sign-in answers 429 until old failures age out.
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until the next attempt is allowed, or nil when it is allowed now.
    func retryAfter(_ username: String, now: Date) -> Int? {
        let recent = (failures[username] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[username] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    func recordFailure(_ username: String, now: Date) {
        failures[username, default: []].append(now)
        if failures.count > 10_000 { failures.removeAll() }  // bounded memory under a spray of names
    }

    func reset(_ username: String) { failures[username] = nil }
}
