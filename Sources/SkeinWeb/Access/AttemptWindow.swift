import Foundation

/// Sign-in attempts per key (a username, a client address) in a sliding window, in bounded memory.
///
/// Each key keeps the times of its attempts within `window`, at most `limit` of them (past the
/// limit nothing more is recorded: the caller is refused instead). Attempts age out in the order
/// they were made, from one queue of every recorded attempt, so expiry costs O(1) per attempt and
/// never walks the table. When `capacity` attempts are live, new ones are refused until the oldest
/// expire: a flood of names can fill the table but never empty it, so it cannot reset anyone's
/// count (the old table was wiped past 10,000 names, giving a locked-out name fresh guesses).
struct AttemptWindow {
    let limit: Int
    let window: TimeInterval
    /// The most attempts remembered at once, over all keys.
    let capacity: Int

    private var attempts: [String: [Date]] = [:]
    /// Every recorded attempt in the order made; entries of released or cleared attempts are skipped when they expire.
    private var queue: [(key: String, at: Date)] = []
    private var head = 0

    init(limit: Int, window: TimeInterval, capacity: Int) {
        self.limit = max(1, limit)
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// How many attempts are remembered (for tests and logs).
    var liveCount: Int { queue.count - head }

    /// Seconds until `key` may try again, or nil when it may try now. Call `expire` first.
    func retryAfter(_ key: String, now: Date) -> Int? {
        guard let recent = attempts[key], recent.count >= limit, let oldest = recent.first else { return nil }
        return Self.seconds(window - now.timeIntervalSince(oldest))
    }

    /// Seconds until the oldest remembered attempt expires (when the table is full).
    func retryAfterFull(now: Date) -> Int {
        guard head < queue.count else { return 1 }
        return Self.seconds(window - now.timeIntervalSince(queue[head].at))
    }

    var isFull: Bool { liveCount >= capacity }

    /// Records an attempt by `key` at `now`; the caller checked `retryAfter` and `isFull`.
    mutating func record(_ key: String, now: Date) {
        attempts[key, default: []].append(now)
        queue.append((key, now))
    }

    /// Forgets one attempt of `key` made at `at` (a sign-in that succeeded).
    mutating func release(_ key: String, at: Date) {
        guard var recent = attempts[key], let index = recent.lastIndex(of: at) else { return }
        recent.remove(at: index)
        attempts[key] = recent.isEmpty ? nil : recent
    }

    /// Forgets every attempt of `key`.
    mutating func clear(_ key: String) { attempts[key] = nil }

    /// Drops attempts older than the window.
    mutating func expire(now: Date) {
        while head < queue.count, now.timeIntervalSince(queue[head].at) >= window {
            let (key, at) = queue[head]
            head += 1
            // Attempts are appended in time order, so the expired ones lead each key's list.
            if var recent = attempts[key] {
                let stale = recent.prefix { $0 <= at }.count
                if stale > 0 {
                    recent.removeFirst(stale)
                    attempts[key] = recent.isEmpty ? nil : recent
                }
            }
        }
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    static func seconds(_ interval: TimeInterval) -> Int { max(1, Int(interval.rounded(.up))) }
}
