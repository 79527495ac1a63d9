/// Tables of migration `0008_pg_alerts` (SQLite's `0012_alerts`): notification groups, each flow
/// and group's rate-limit window with its pending digest count, and the failures already recorded.
enum PostgresAlertSchema {
    static let migration = """
        CREATE TABLE alert_groups (
            name text COLLATE "C" PRIMARY KEY,
            emails text NOT NULL,
            webhook_urls text NOT NULL,
            smtp_instance text,
            updated_at double precision NOT NULL
        );
        CREATE TABLE alert_windows (
            flow_id text COLLATE "C" NOT NULL,
            group_name text COLLATE "C" NOT NULL,
            ends_at double precision NOT NULL,
            pending integer NOT NULL DEFAULT 0,
            pending_since double precision,
            last_event text,
            PRIMARY KEY (flow_id, group_name)
        );
        CREATE INDEX alert_windows_due ON alert_windows(ends_at) WHERE pending > 0;
        CREATE TABLE alert_events (
            event text NOT NULL,
            group_name text NOT NULL,
            recorded_at double precision NOT NULL,
            PRIMARY KEY (event, group_name)
        );
        CREATE INDEX alert_events_by_time ON alert_events(recorded_at)
        """
}
