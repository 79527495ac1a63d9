import Foundation
import SkeinCore
import SkeinStorage

/// Webhook de-duplication (`dedupe:`): one run per flow and identity within the window, however
/// many deliveries race (from one handle or several, as processes sharing a database); a repeat
/// learns the first run's id; another flow or identity, or the end of the window, starts anew.
enum WebhookIdentityChecks {
    static func delivery(_ flowID: String = "orders", body: String = #"{"id": 1}"#) -> NewRun {
        NewRun(flowID: flowID, flowVersion: 1, trigger: .webhook, input: [Payload(bytes: Array(body.utf8), contentType: "application/json")])
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("webhook identity: a repeat within the window starts nothing and names the first run") { open in
            let store = try await open()
            guard case .started(let first) = try await store.enqueueOnce(delivery(), identity: "A-1", expiresAt: t0 + 60, now: t0) else {
                throw ConformanceFailure(description: "a new identity did not start a run")
            }
            try expectEqual(first.status, .queued)
            try expectEqual(try await open().enqueueOnce(delivery(), identity: "A-1", expiresAt: t0 + 70, now: t0 + 10), .repeated(first.id))
            try expectEqual(try await store.runs(RunQuery(flowID: "orders")).count, 1, "the repeat stored no run")
            guard case .started = try await store.enqueueOnce(delivery(), identity: "A-2", expiresAt: t0 + 60, now: t0 + 10),
                case .started = try await store.enqueueOnce(delivery("refunds"), identity: "A-1", expiresAt: t0 + 60, now: t0 + 10)
            else {
                throw ConformanceFailure(description: "another identity, or the same identity on another flow, did not start a run")
            }
            try expectEqual(try await store.run(id: first.id)?.inputCount, 1, "the first run kept its payload")
        },
        ConformanceCheck("webhook identity: after the window the identity starts a new run, and retention deletes ended windows") { open in
            let store = try await open()
            guard case .started(let first) = try await store.enqueueOnce(delivery(), identity: "B", expiresAt: t0 + 60, now: t0) else {
                throw ConformanceFailure(description: "a new identity did not start a run")
            }
            guard case .started(let second) = try await store.enqueueOnce(delivery(), identity: "B", expiresAt: t0 + 160, now: t0 + 60) else {
                throw ConformanceFailure(description: "an identity whose window ended did not start a run")
            }
            try expect(second.id != first.id)
            try expectEqual(
                try await store.enqueueOnce(delivery(), identity: "B", expiresAt: t0 + 200, now: t0 + 100), .repeated(second.id),
                "the new run holds the identity for its own window")
            _ = try await store.enqueueOnce(delivery(), identity: "C", expiresAt: t0 + 500, now: t0 + 100)
            try expectEqual(try await store.pruneExpiredWebhookIdentities(now: t0 + 300, limit: 10), 1, "only B's window ended")
            try expectEqual(try await store.pruneExpiredWebhookIdentities(now: t0 + 300, limit: 10), 0)
            try expectEqual(
                try await store.enqueueOnce(delivery(), identity: "C", expiresAt: t0 + 600, now: t0 + 300).repeatedRunID != nil, true,
                "C is still held")
        },
        ConformanceCheck("webhook identity: 20 concurrent deliveries of one identity from two handles start exactly one run") { open in
            let one = try await open()
            let two = try await open()
            for round in 0..<3 {
                let identity = "race-\(round)"
                let outcomes = try await withThrowingTaskGroup(of: WebhookIntake.self) { group in
                    for index in 0..<20 {
                        let store = index.isMultiple(of: 2) ? one : two
                        group.addTask { try await store.enqueueOnce(delivery(), identity: identity, expiresAt: t0 + 60, now: t0) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let started = outcomes.compactMap { outcome -> RunID? in if case .started(let run) = outcome { run.id } else { nil } }
                try expectEqual(started.count, 1, "round \(round): \(outcomes)")
                try expectEqual(Set(outcomes.compactMap(\.repeatedRunID)), [started[0]], "round \(round): every repeat names the winner")
            }
            try expectEqual(try await one.runs(RunQuery(flowID: "orders")).count, 3)
        },
    ]
}

extension WebhookIntake {
    /// The first run's id when this was a repeat.
    var repeatedRunID: RunID? { if case .repeated(let id) = self { id } else { nil } }
}
