public import Foundation

/// One-time action tokens: every recovery form of the web UI (replay, retry, bulk retry,
/// resync) carries a fresh random token, and the server acts on a submission only if it is the
/// first to use that token. A double click, a resubmitted page or a second tab sends the same
/// token again and is refused.
///
/// Using a token is one insert under a unique key, so of any number of concurrent submissions
/// of one token — in one process or in several sharing a database — exactly one wins.
public protocol ActionTokenStore: Sendable {
    /// Records `token` as used (remembered until `expiresAt`) and returns true, unless it was
    /// already used and not yet forgotten: then nothing changes and it returns false.
    func useActionToken(_ token: String, expiresAt: Date, now: Date) async throws -> Bool
    /// Deletes up to `limit` used tokens whose memory ended by `now`; returns how many went.
    func pruneExpiredActionTokens(now: Date, limit: Int) async throws -> Int
}
