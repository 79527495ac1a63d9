import Foundation
import SkeinStorage

/// One-time action tokens (the web UI's recovery forms): a token is used once, however many
/// submissions race (from one handle or several, as processes sharing a database); another
/// token, or the same one after its memory ended, is used anew; retention deletes ended ones.
enum ActionTokenChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("action token: the first use wins, a repeat is refused until the token is forgotten") { open in
            let store = try await open()
            try expectEqual(try await store.useActionToken("form-1", expiresAt: t0 + 60, now: t0), true)
            try expectEqual(try await open().useActionToken("form-1", expiresAt: t0 + 70, now: t0 + 10), false, "a repeat from another handle")
            try expectEqual(try await store.useActionToken("form-2", expiresAt: t0 + 60, now: t0 + 10), true, "another token")
            try expectEqual(try await store.useActionToken("form-1", expiresAt: t0 + 160, now: t0 + 60), true, "forgotten at its expiry")
            try expectEqual(try await store.useActionToken("form-1", expiresAt: t0 + 200, now: t0 + 100), false, "held again for its new window")
            try expectEqual(try await store.pruneExpiredActionTokens(now: t0 + 100, limit: 10), 1, "only form-2 ended")
            try expectEqual(try await store.pruneExpiredActionTokens(now: t0 + 100, limit: 10), 0)
            try expectEqual(try await store.useActionToken("form-1", expiresAt: t0 + 300, now: t0 + 120), false, "form-1 is still held")
        },
        ConformanceCheck("action token: 20 concurrent uses of one token from two handles, exactly one wins") { open in
            let one = try await open()
            let two = try await open()
            for round in 0..<3 {
                let token = "race-\(round)"
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<20 {
                        let store = index.isMultiple(of: 2) ? one : two
                        group.addTask { try await store.useActionToken(token, expiresAt: t0 + 60, now: t0) }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                try expectEqual(wins, 1, "round \(round)")
            }
        },
    ]
}
