import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Notification groups (addresses and URLs as JSON arrays) and the alert rate limit.
extension SQLiteStore: AlertStore {
    public func saveAlertGroup(_ group: AlertGroup) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_groups (name, emails, webhook_urls, smtp_instance, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET emails = excluded.emails, webhook_urls = excluded.webhook_urls,
                        smtp_instance = excluded.smtp_instance, updated_at = excluded.updated_at
                    """,
                arguments: [
                    group.name, AlertGroupColumns.list(group.emails), AlertGroupColumns.list(group.webhookURLs),
                    group.smtpInstance, group.updatedAt.storageValue,
                ])
        }
    }

    public func alertGroup(named name: String) async throws -> AlertGroup? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alert_groups WHERE name = ?", arguments: [name]).map(Self.alertGroup)
        }
    }

    public func alertGroups() async throws -> [AlertGroup] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_groups ORDER BY name").map(Self.alertGroup)
        }
    }

    public func deleteAlertGroup(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM alert_groups WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    static func alertGroup(_ row: Row) throws -> AlertGroup {
        AlertGroup(
            name: row["name"], emails: try AlertGroupColumns.parse(row["emails"]), webhookURLs: try AlertGroupColumns.parse(row["webhook_urls"]),
            smtpInstance: row["smtp_instance"], updatedAt: row.date("updated_at") ?? Date(timeIntervalSince1970: 0))
    }

    public func recordAlertEvent(flowID: String, group: String, event: String, window: TimeInterval, now: Date) async throws -> AlertDecision {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO alert_events (event, group_name, recorded_at) VALUES (?, ?, ?)",
                arguments: [event, group, now.storageValue])
            guard db.changesCount > 0 else { return .duplicate }
            let open = try Row.fetchOne(
                db, sql: "SELECT ends_at, pending FROM alert_windows WHERE flow_id = ? AND group_name = ?",
                arguments: [flowID, group])
            if let open, (open["ends_at"] as Double) > now.storageValue || (open["pending"] as Int) > 0 {
                try db.execute(
                    sql: """
                        UPDATE alert_windows SET pending = pending + 1, pending_since = COALESCE(pending_since, ?), last_event = ?
                        WHERE flow_id = ? AND group_name = ?
                        """, arguments: [now.storageValue, event, flowID, group])
                return .counted(pending: (open["pending"] as Int) + 1)
            }
            try Self.openWindow(db, flowID: flowID, group: group, until: now.addingTimeInterval(window))
            return .send
        }
    }

    static func openWindow(_ db: Database, flowID: String, group: String, until: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO alert_windows (flow_id, group_name, ends_at, pending, pending_since, last_event) VALUES (?, ?, ?, 0, NULL, NULL)
                ON CONFLICT (flow_id, group_name) DO UPDATE SET ends_at = excluded.ends_at, pending = 0, pending_since = NULL, last_event = NULL
                """, arguments: [flowID, group, until.storageValue])
    }

    public func dueDigests(now: Date) async throws -> [PendingDigest] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert_windows WHERE pending > 0 AND ends_at <= ? ORDER BY ends_at, flow_id, group_name
                    """, arguments: [now.storageValue]
            ).map { row in
                PendingDigest(
                    flowID: row["flow_id"], group: row["group_name"], pending: row["pending"],
                    since: row.date("pending_since") ?? Date(timeIntervalSince1970: 0),
                    windowEndsAt: row.date("ends_at") ?? Date(timeIntervalSince1970: 0), lastEvent: row["last_event"] ?? "")
            }
        }
    }

    public func digestSent(flowID: String, group: String, window: TimeInterval, now: Date) async throws {
        try await write { db in try Self.openWindow(db, flowID: flowID, group: group, until: now.addingTimeInterval(window)) }
    }

    public func pruneAlertEvents(before: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM alert_events WHERE recorded_at < ?", arguments: [before.storageValue])
            return db.changesCount
        }
    }
}
