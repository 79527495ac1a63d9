import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// Notification groups (addresses and URLs as JSON arrays) and the alert rate limit. The window
/// row is locked (`FOR UPDATE`) while an event is counted, so processes alerting at once agree.
extension PostgresStore: AlertStore {
    public func saveAlertGroup(_ group: AlertGroup) async throws {
        let logger = logger
        try await transaction { connection in
            try await connection.run(
                """
                INSERT INTO alert_groups (name, emails, webhook_urls, smtp_instance, updated_at)
                VALUES (\(group.name), \(AlertGroupColumns.list(group.emails)), \(AlertGroupColumns.list(group.webhookURLs)),
                        \(group.smtpInstance), \(group.updatedAt.pgValue))
                ON CONFLICT (name) DO UPDATE SET emails = excluded.emails, webhook_urls = excluded.webhook_urls,
                    smtp_instance = excluded.smtp_instance, updated_at = excluded.updated_at
                """, logger: logger)
        }
    }

    public func alertGroup(named name: String) async throws -> AlertGroup? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM alert_groups WHERE name = \(name)", logger: logger).first.map(Self.alertGroup)
        }
    }

    public func alertGroups() async throws -> [AlertGroup] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM alert_groups ORDER BY name", logger: logger).map(Self.alertGroup)
        }
    }

    public func deleteAlertGroup(named name: String) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            try await !connection.rows("DELETE FROM alert_groups WHERE name = \(name) RETURNING 1", logger: logger).isEmpty
        }
    }

    static func alertGroup(_ row: PGRow) throws -> AlertGroup {
        AlertGroup(
            name: try row["name"], emails: try AlertGroupColumns.parse(try row["emails"]),
            webhookURLs: try AlertGroupColumns.parse(try row["webhook_urls"]),
            smtpInstance: try row.optional("smtp_instance", as: String.self), updatedAt: try row.date("updated_at"))
    }

    public func recordAlertEvent(flowID: String, group: String, event: String, window: TimeInterval, now: Date) async throws -> AlertDecision {
        let logger = logger
        return try await transaction { connection in
            let inserted = try await connection.rows(
                """
                INSERT INTO alert_events (event, group_name, recorded_at) VALUES (\(event), \(group), \(now.pgValue))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            guard !inserted.isEmpty else { return .duplicate }
            // Make sure the row exists (ended at once), then lock it: concurrent events of one flow queue up here.
            try await connection.run(
                """
                INSERT INTO alert_windows (flow_id, group_name, ends_at) VALUES (\(flowID), \(group), 0) ON CONFLICT DO NOTHING
                """, logger: logger)
            let open = try await connection.rows(
                """
                SELECT ends_at, pending FROM alert_windows WHERE flow_id = \(flowID) AND group_name = \(group) FOR UPDATE
                """, logger: logger)[0]
            let pending = try open["pending", as: Int.self]
            if try open["ends_at", as: Double.self] > now.pgValue || pending > 0 {
                try await connection.run(
                    """
                    UPDATE alert_windows SET pending = pending + 1, pending_since = COALESCE(pending_since, \(now.pgValue)), last_event = \(event)
                    WHERE flow_id = \(flowID) AND group_name = \(group)
                    """, logger: logger)
                return .counted(pending: pending + 1)
            }
            try await Self.openWindow(connection, flowID: flowID, group: group, until: now.addingTimeInterval(window), logger: logger)
            return .send
        }
    }

    static func openWindow(_ connection: PostgresConnection, flowID: String, group: String, until: Date, logger: Logger) async throws {
        try await connection.run(
            """
            INSERT INTO alert_windows (flow_id, group_name, ends_at, pending, pending_since, last_event)
            VALUES (\(flowID), \(group), \(until.pgValue), 0, NULL, NULL)
            ON CONFLICT (flow_id, group_name) DO UPDATE SET ends_at = excluded.ends_at, pending = 0, pending_since = NULL, last_event = NULL
            """, logger: logger)
    }

    public func dueDigests(now: Date) async throws -> [PendingDigest] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT * FROM alert_windows WHERE pending > 0 AND ends_at <= \(now.pgValue) ORDER BY ends_at, flow_id, group_name
                """, logger: logger
            ).map { row in
                PendingDigest(
                    flowID: try row["flow_id"], group: try row["group_name"], pending: try row["pending", as: Int.self],
                    since: try row.optionalDate("pending_since") ?? Date(timeIntervalSince1970: 0),
                    windowEndsAt: try row.date("ends_at"), lastEvent: try row.optional("last_event", as: String.self) ?? "")
            }
        }
    }

    public func digestSent(flowID: String, group: String, window: TimeInterval, now: Date) async throws {
        let logger = logger
        try await transaction { connection in
            try await Self.openWindow(connection, flowID: flowID, group: group, until: now.addingTimeInterval(window), logger: logger)
        }
    }

    public func pruneAlertEvents(before: Date) async throws -> Int {
        let logger = logger
        return try await transaction { connection in
            try await connection.rows("DELETE FROM alert_events WHERE recorded_at < \(before.pgValue) RETURNING 1", logger: logger).count
        }
    }
}
