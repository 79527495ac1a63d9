import Foundation
import SkeinCore
import SkeinStorage

/// Notification groups and the alert rate limit: the first failure in a window is sent, later
/// ones are counted for the digest (the count survives reopening), no event is counted twice.
enum AlertChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("alert groups are saved, replaced, listed by name and deleted") { open in
            let store = try await open()
            let ops = AlertGroup(
                name: "ops", emails: ["ops@example.com", "oncall@example.com"], webhookURLs: ["https://hooks.example.com/T1"],
                smtpInstance: "mail", updatedAt: t0)
            try await store.saveAlertGroup(ops)
            try await store.saveAlertGroup(AlertGroup(name: "buyers", emails: ["b@example.com"], updatedAt: t0))
            try expectEqual(try await open().alertGroup(named: "ops"), ops)
            var changed = ops
            changed.emails = ["new@example.com"]
            changed.smtpInstance = nil
            changed.updatedAt = t0.addingTimeInterval(5)
            try await store.saveAlertGroup(changed)
            try expectEqual(try await store.alertGroups(), [AlertGroup(name: "buyers", emails: ["b@example.com"], updatedAt: t0), changed])
            try expect(try await store.deleteAlertGroup(named: "ops"))
            try expect(!(try await store.deleteAlertGroup(named: "ops")), "a second delete finds nothing")
            try expectEqual(try await store.alertGroup(named: "ops"), nil)
        },
        ConformanceCheck("the first failure in a window is sent, later ones are counted into a digest due when the window ends") { open in
            let store = try await open()
            let window: TimeInterval = 600
            try expectEqual(try await store.recordAlertEvent(flowID: "f", group: "ops", event: "run:1", window: window, now: t0), .send)
            try expectEqual(try await store.recordAlertEvent(flowID: "f", group: "ops", event: "run:1", window: window, now: t0), .duplicate)
            try expectEqual(
                try await store.recordAlertEvent(flowID: "f", group: "dev", event: "run:1", window: window, now: t0), .send,
                "each group has its own window")
            try expectEqual(
                try await store.recordAlertEvent(flowID: "g", group: "ops", event: "run:2", window: window, now: t0), .send,
                "each flow has its own window")
            try expectEqual(try await store.recordAlertEvent(flowID: "f", group: "ops", event: "run:3", window: window, now: t0 + 60), .counted(pending: 1))
            try expectEqual(
                try await open().recordAlertEvent(flowID: "f", group: "ops", event: "sync:9", window: window, now: t0 + 120),
                .counted(pending: 2))
            try expect(try await store.dueDigests(now: t0 + 599).isEmpty, "no digest before the window ends")
            let due = try await open().dueDigests(now: t0 + 600)
            try expectEqual(due, [PendingDigest(flowID: "f", group: "ops", pending: 2, since: t0 + 60, windowEndsAt: t0 + 600, lastEvent: "sync:9")])
            // A failure after the window while the digest is still pending joins it.
            try expectEqual(try await store.recordAlertEvent(flowID: "f", group: "ops", event: "run:4", window: window, now: t0 + 601), .counted(pending: 3))
            try await store.digestSent(flowID: "f", group: "ops", window: window, now: t0 + 602)
            try expect(try await store.dueDigests(now: t0 + 5000).isEmpty, "the digest went out")
            try expectEqual(
                try await store.recordAlertEvent(flowID: "f", group: "ops", event: "run:5", window: window, now: t0 + 700), .counted(pending: 1),
                "the digest opened a new window")
            try expectEqual(
                try await store.recordAlertEvent(flowID: "g", group: "ops", event: "run:6", window: window, now: t0 + 700), .send,
                "g's window ended with nothing pending")
            try expectEqual(try await store.pruneAlertEvents(before: t0 + 1), 3)
            try expectEqual(
                try await store.recordAlertEvent(flowID: "f", group: "dev", event: "run:1", window: window, now: t0 + 800), .send,
                "a pruned event is new again")
        },
    ]
}
