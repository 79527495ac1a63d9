import Foundation

/// Limits password guesses per username and per client address, so a password cannot be guessed
/// at network speed, one user's or many users'.
///
/// An attempt is **reserved before the password is checked** (`admit`): forty guesses sent at
/// once are forty attempts, not forty checks racing one counter. A sign-in that succeeds gives its
/// reservation back and clears the user's count (`succeeded`); a failed one simply keeps it. Past
/// `limit` attempts within `window` for the username, or `addressLimit` for the address, sign-in
/// answers 429 with `Retry-After` until the oldest attempt ages out. Both tables are bounded
/// (`AttemptWindow`): when one is full, new attempts wait rather than evicting anyone's history.
actor LoginThrottle {
    /// An admitted attempt: what `succeeded` needs to give it back.
    struct Ticket: Sendable {
        let user: String
        let address: String?
        let at: Date
    }

    enum Admission: Sendable {
        case admitted(Ticket)
        /// Refused; try again after this many seconds.
        case refused(retryAfter: Int, reason: String)
    }

    private var users: AttemptWindow
    private var addresses: AttemptWindow

    init(limit: Int, addressLimit: Int, window: TimeInterval, capacity: Int = 100_000) {
        users = AttemptWindow(limit: limit, window: window, capacity: capacity)
        addresses = AttemptWindow(limit: addressLimit, window: window, capacity: capacity)
    }

    init(settings: AccessSettings) {
        self.init(
            limit: settings.maximumLoginFailures, addressLimit: settings.maximumLoginFailuresPerAddress,
            window: settings.loginWindowSeconds)
    }

    /// Reserves an attempt for `username` from `address` (nil when unknown), or says how long to wait.
    func admit(username: String, address: String?, now: Date) -> Admission {
        users.expire(now: now)
        addresses.expire(now: now)
        if let wait = users.retryAfter(username, now: now) {
            return .refused(retryAfter: wait, reason: "too many failed sign-ins for this user")
        }
        if let address, let wait = addresses.retryAfter(address, now: now) {
            return .refused(retryAfter: wait, reason: "too many failed sign-ins from this address")
        }
        if users.isFull || (address != nil && addresses.isFull) {
            return .refused(
                retryAfter: max(users.retryAfterFull(now: now), addresses.retryAfterFull(now: now)),
                reason: "too many sign-in attempts at the moment")
        }
        users.record(username, now: now)
        if let address { addresses.record(address, now: now) }
        return .admitted(Ticket(user: username, address: address, at: now))
    }

    /// The attempt succeeded: it no longer counts, and neither do the user's earlier failures.
    func succeeded(_ ticket: Ticket) {
        users.clear(ticket.user)
        if let address = ticket.address { addresses.release(address, at: ticket.at) }
    }

    /// Attempts remembered per table (tests).
    var liveCounts: (users: Int, addresses: Int) { (users.liveCount, addresses.liveCount) }
}
