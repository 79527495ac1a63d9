import Foundation
import SkeinStorage

/// Used one-time action tokens in memory: token → when it is forgotten. The lock of
/// `MemoryStore.transaction` makes the check and the insert one step.
struct ActionTokenTable {
    var expiries: [String: Date] = [:]
}

extension MemoryStore: ActionTokenStore {
    public func useActionToken(_ token: String, expiresAt: Date, now: Date) async throws -> Bool {
        try transaction { state in
            if let held = state.actionTokens.expiries[token], held > now { return false }
            state.actionTokens.expiries[token] = expiresAt
            return true
        }
    }

    public func pruneExpiredActionTokens(now: Date, limit: Int) async throws -> Int {
        try transaction { state in
            let gone = state.actionTokens.expiries.filter { $0.value <= now }.keys.sorted().prefix(max(1, limit))
            for token in gone { state.actionTokens.expiries[token] = nil }
            return gone.count
        }
    }
}
