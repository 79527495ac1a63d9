import Foundation
import SkeinCore
import SkeinStorage

/// Notification groups and the alert rate limit's windows, events and pending digests.
struct AlertTables {
    struct WindowKey: Hashable { var flowID: String; var group: String }
    struct Window { var endsAt: Date; var pending: Int; var since: Date?; var lastEvent: String? }
    struct EventKey: Hashable { var event: String; var group: String }

    var groups: [String: AlertGroup] = [:]
    var windows: [WindowKey: Window] = [:]
    var events: [EventKey: Date] = [:]
}

extension MemoryStore: AlertStore {
    public func saveAlertGroup(_ group: AlertGroup) async throws {
        try transaction { state in
            var stored = group
            stored.updatedAt = storedTime(group.updatedAt)
            state.alerts.groups[group.name] = stored
        }
    }

    public func alertGroup(named name: String) async throws -> AlertGroup? {
        try transaction { state in state.alerts.groups[name] }
    }

    public func alertGroups() async throws -> [AlertGroup] {
        try transaction { state in state.alerts.groups.values.sorted { byteOrder($0.name, $1.name) } }
    }

    public func deleteAlertGroup(named name: String) async throws -> Bool {
        try transaction { state in state.alerts.groups.removeValue(forKey: name) != nil }
    }

    public func recordAlertEvent(flowID: String, group: String, event: String, window: TimeInterval, now: Date) async throws -> AlertDecision {
        try transaction { state in
            let now = storedTime(now)
            let eventKey = AlertTables.EventKey(event: event, group: group)
            guard state.alerts.events[eventKey] == nil else { return .duplicate }
            state.alerts.events[eventKey] = now
            let key = AlertTables.WindowKey(flowID: flowID, group: group)
            if var open = state.alerts.windows[key], open.endsAt > now || open.pending > 0 {
                open.pending += 1
                open.since = open.since ?? now
                open.lastEvent = event
                state.alerts.windows[key] = open
                return .counted(pending: open.pending)
            }
            state.alerts.windows[key] = AlertTables.Window(endsAt: storedTime(now.addingTimeInterval(window)), pending: 0, since: nil, lastEvent: nil)
            return .send
        }
    }

    public func dueDigests(now: Date) async throws -> [PendingDigest] {
        try transaction { state in
            state.alerts.windows.compactMap { key, window -> PendingDigest? in
                guard window.pending > 0, window.endsAt <= now, let since = window.since else { return nil }
                return PendingDigest(
                    flowID: key.flowID, group: key.group, pending: window.pending, since: since,
                    windowEndsAt: window.endsAt, lastEvent: window.lastEvent ?? "")
            }.sorted { ($0.windowEndsAt, $0.flowID, $0.group) < ($1.windowEndsAt, $1.flowID, $1.group) }
        }
    }

    public func digestSent(flowID: String, group: String, window: TimeInterval, now: Date) async throws {
        try transaction { state in
            state.alerts.windows[AlertTables.WindowKey(flowID: flowID, group: group)] =
                AlertTables.Window(endsAt: storedTime(now.addingTimeInterval(window)), pending: 0, since: nil, lastEvent: nil)
        }
    }

    public func pruneAlertEvents(before: Date) async throws -> Int {
        try transaction { state in
            let old = state.alerts.events.filter { $0.value < before }.map(\.key)
            for key in old { state.alerts.events.removeValue(forKey: key) }
            return old.count
        }
    }
}
