import Foundation
import SkeinCore
import SkeinStorage

/// Retention: old finished runs (with their steps, payloads, variables and tracked values) and
/// payloads, expired pool keys and cache entries, at most `limit` per call.
extension MemoryStore: RetentionStore {
    public func pruneRuns(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try transaction { state in
            let old = state.runs.runs.values.filter { run in
                run.queuedAt.timeIntervalSince1970 < cutoff.timeIntervalSince1970 && run.status != .queued && run.status != .started
            }.sorted { ($0.queuedAt.timeIntervalSince1970, $0.id) < ($1.queuedAt.timeIntervalSince1970, $1.id) }.prefix(max(1, limit))
            for run in old {
                state.runs.runs[run.id] = nil
                state.runs.steps[run.id] = nil
                state.runs.payloads[run.id] = nil
                state.runs.variables[run.id] = nil
                state.shapeData.tracked[run.id] = nil
            }
            return old.count
        }
    }

    public func prunePayloads(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try transaction { state in
            let finished = state.runs.runs.values.filter { run in
                run.queuedAt.timeIntervalSince1970 < cutoff.timeIntervalSince1970 && run.status != .queued && run.status != .started
                    && state.runs.payloads[run.id] != nil
            }.map(\.id).sorted()
            var budget = max(1, limit)
            var deleted = 0
            for id in finished where budget > 0 {
                for sequence in (state.runs.payloads[id] ?? [:]).keys.sorted() where budget > 0 {
                    for index in (state.runs.payloads[id]?[sequence] ?? [:]).keys.sorted() where budget > 0 {
                        state.runs.payloads[id]?[sequence]?[index] = nil
                        budget -= 1
                        deleted += 1
                    }
                    if state.runs.payloads[id]?[sequence]?.isEmpty == true { state.runs.payloads[id]?[sequence] = nil }
                }
                if state.runs.payloads[id]?.isEmpty == true { state.runs.payloads[id] = nil }
                state.runs.runs[id]?.payloadsExpired = true
            }
            return deleted
        }
    }

    public func pruneExpiredPoolKeys(now: Date, limit: Int) async throws -> Int {
        try transaction { state in state.shapeData.pruneExpiredPoolKeys(now: now, limit: max(1, limit)) }
    }

    public func pruneExpiredCacheEntries(now: Date, limit: Int) async throws -> Int {
        try transaction { state in state.shapeData.pruneExpiredCacheEntries(now: now, limit: max(1, limit)) }
    }
}
