/// Tables of migration `0012_alerts`: notification groups, each flow and group's rate-limit
/// window with its pending digest count, and the failures already recorded (so none is alerted twice).
enum AlertSchema {
    static let migration = """
        CREATE TABLE alert_groups (
            name TEXT PRIMARY KEY,
            emails TEXT NOT NULL,
            webhook_urls TEXT NOT NULL,
            smtp_instance TEXT,
            updated_at REAL NOT NULL
        );
        CREATE TABLE alert_windows (
            flow_id TEXT NOT NULL,
            group_name TEXT NOT NULL,
            ends_at REAL NOT NULL,
            pending INTEGER NOT NULL DEFAULT 0,
            pending_since REAL,
            last_event TEXT,
            PRIMARY KEY (flow_id, group_name)
        );
        CREATE INDEX alert_windows_due ON alert_windows(ends_at) WHERE pending > 0;
        CREATE TABLE alert_events (
            event TEXT NOT NULL,
            group_name TEXT NOT NULL,
            recorded_at REAL NOT NULL,
            PRIMARY KEY (event, group_name)
        );
        CREATE INDEX alert_events_by_time ON alert_events(recorded_at);
        """
}
