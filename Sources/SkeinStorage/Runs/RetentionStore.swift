public import Foundation

/// What retention deletes, each call one small transaction of at most `limit` rows, so writers
/// never wait long behind it: old run logs and payloads, and expired pool keys and cache entries.
public protocol RetentionStore: Sendable {
    /// Deletes up to `limit` finished runs queued before `cutoff`, with their steps, payloads,
    /// variables and tracked values. Runs still queued or started are never deleted. Returns how many runs went.
    func pruneRuns(olderThan cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` payloads of finished runs queued before `cutoff`, keeping the runs'
    /// logs (steps, counts, errors) and marking them `payloadsExpired`. Returns how many payloads went.
    func prunePayloads(olderThan cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` pool keys whose expiry passed; returns how many went.
    func pruneExpiredPoolKeys(now: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` expired cache entries (of any cache); returns how many went.
    func pruneExpiredCacheEntries(now: Date, limit: Int) async throws -> Int
}
