import Logging
import PostgresNIO

/// The PostgreSQL schema, as named, append-only migrations recorded in `schema_migrations`.
/// Never edit a released migration: add a new one at the end. Names are never changed once
/// released (a process of the previous release sharing the database would apply it again);
/// `SchemaHistory` in Tests/SkeinStoragePostgresTests/SchemaParityTests.swift maps them to
/// SQLite's, and a test fails when the two schemas differ beyond the listed differences.
///
/// Migrations run when a store opens, each in its own transaction under an advisory lock, so
/// several processes starting together apply each migration exactly once.
///
/// Text columns that the sync report sorts by use the "C" collation (byte order), the order
/// SQLite uses, so keyset pages come out the same on both backends. Times are seconds since
/// 1970 as double precision, as in SQLite.
enum PostgresMigrations {
    static let all: [(name: String, sql: String)] = [
        ("0001_pg_flows_runs_steps_payloads_instances", flowsAndRuns),
        ("0002_pg_sync_entries", syncEntries),
        ("0003_pg_web_access", PostgresAccessSchema.migration),
        ("0004_pg_shapes_pools_cache_tracking", PostgresShapesSchema.migration),
        // Flows are trees (route, branch, try): where each step sits, and what the engine recorded
        // about it (branches taken, payloads caught, child runs, input origin). As SQLite's 0006.
        ("0005_pg_flowtree_step_paths", "ALTER TABLE steps ADD COLUMN path text, ADD COLUMN details text"),
        // The W3C traceparent of a run's span, so the run page can name its trace. As SQLite's 0010.
        ("0006_pg_run_trace_parent", "ALTER TABLE runs ADD COLUMN trace_parent text"),
        // What each destination was sent, per reference (`deliver:`, stable idempotency keys). As SQLite's 0011.
        ("0007_pg_delivery_ledger", deliveryLedger),
        // Notification groups and the alert rate limit. As SQLite's 0012.
        ("0008_pg_alerts", PostgresAlertSchema.migration),
        // A flow's work in progress (at most one per flow), saved over until deployed. As SQLite's 0013.
        (
            "0009_pg_flow_drafts",
            """
            CREATE TABLE flow_drafts (
                flow_id text COLLATE "C" PRIMARY KEY,
                source text NOT NULL,
                base_version integer,
                updated_by text NOT NULL,
                updated_at double precision NOT NULL
            )
            """
        ),
        // Cross-reference lookup tables (`$lookup`, `skein lookup`). As SQLite's 0014.
        ("0010_pg_lookups", PostgresLookupSchema.migration),
        // Inbound webhook de-duplication (`dedupe:`). As SQLite's 0015.
        ("0011_pg_webhook_identities", webhookIdentities),
        // One-time tokens of the web UI's recovery forms. As SQLite's 0016.
        ("0012_pg_action_tokens", actionTokens),
        // Every delivery attempt of a sync entry with the destination's answer. As SQLite's 0017.
        ("0013_pg_sync_attempts", syncAttempts),
    ]

    /// Every delivery attempt of a sync entry (the sync entry page).
    static let syncAttempts = """
        CREATE TABLE sync_attempts (
            entry_id bigint NOT NULL REFERENCES sync_entries (id) ON DELETE CASCADE,
            seq integer NOT NULL,
            at double precision NOT NULL,
            status text NOT NULL,
            reason text NOT NULL,
            response text NOT NULL,
            endpoint_id text NOT NULL,
            manual boolean NOT NULL,
            PRIMARY KEY (entry_id, seq)
        );
        """

    /// Used one-time action tokens, each remembered until `expires_at`.
    static let actionTokens = """
        CREATE TABLE action_tokens (
            token text NOT NULL PRIMARY KEY,
            expires_at double precision NOT NULL
        );
        CREATE INDEX action_tokens_by_expiry ON action_tokens(expires_at);
        """

    /// One run per flow and delivery identity; `run_id` is empty only inside the claiming transaction.
    static let webhookIdentities = """
        CREATE TABLE webhook_identities (
            flow_id text NOT NULL,
            identity text NOT NULL,
            run_id bigint,
            expires_at double precision NOT NULL,
            PRIMARY KEY (flow_id, identity)
        );
        CREATE INDEX webhook_identities_by_expiry ON webhook_identities(expires_at);
        """

    /// An arbitrary constant naming Skein's migration lock among the database's advisory locks.
    static let lockKey = 7_311_046_101

    static func migrate(_ store: PostgresStore) async throws {
        for migration in all {
            try await store.migrationTransaction { connection in
                try await connection.run("SELECT pg_advisory_xact_lock(\(lockKey))", logger: store.logger)
                // Under the lock: CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin.
                try await connection.run(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: store.logger)
                let done = try await connection.rows("SELECT 1 FROM schema_migrations WHERE name = \(migration.name)", logger: store.logger)
                guard done.isEmpty else { return }
                // The extended protocol takes one statement at a time.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
                try await connection.run("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: store.logger)
                store.logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }

    static let flowsAndRuns = """
        CREATE TABLE flow_versions (
            flow_id text COLLATE "C" NOT NULL,
            version integer NOT NULL,
            source text NOT NULL,
            deployed_at double precision NOT NULL,
            PRIMARY KEY (flow_id, version)
        );
        CREATE TABLE flows (
            flow_id text COLLATE "C" PRIMARY KEY,
            latest_version integer NOT NULL,
            enabled boolean NOT NULL DEFAULT true,
            max_concurrent_runs integer
        );
        CREATE TABLE schedule_ticks (
            flow_id text NOT NULL,
            tick double precision NOT NULL,
            PRIMARY KEY (flow_id, tick)
        );
        CREATE TABLE runs (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            flow_id text COLLATE "C" NOT NULL,
            flow_version integer NOT NULL,
            status text NOT NULL,
            trigger text NOT NULL,
            priority integer NOT NULL,
            entry_shape_id text,
            origin_run_id bigint,
            queued_at double precision NOT NULL,
            started_at double precision,
            finished_at double precision,
            error text,
            failed_shape_id text,
            has_warnings boolean NOT NULL DEFAULT false,
            stop_requested boolean NOT NULL DEFAULT false,
            lease_owner text,
            lease_expires_at double precision,
            claims integer NOT NULL DEFAULT 0,
            input_count integer NOT NULL DEFAULT 0,
            payloads_expired boolean NOT NULL DEFAULT false
        );
        CREATE INDEX runs_queued ON runs (priority, id) WHERE status = 'queued';
        CREATE INDEX runs_leased ON runs (lease_expires_at) WHERE status = 'started';
        CREATE INDEX runs_started_by_flow ON runs (flow_id) WHERE status = 'started';
        CREATE INDEX runs_by_flow ON runs (flow_id, id);
        CREATE INDEX runs_by_status ON runs (status, id);
        CREATE INDEX runs_by_queued_at ON runs (queued_at);
        CREATE INDEX runs_by_origin ON runs (origin_run_id) WHERE origin_run_id IS NOT NULL;
        CREATE TABLE steps (
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            sequence integer NOT NULL,
            shape_id text NOT NULL,
            shape_type text NOT NULL,
            status text NOT NULL,
            started_at double precision NOT NULL,
            finished_at double precision,
            attempts integer NOT NULL DEFAULT 1,
            input_count integer NOT NULL DEFAULT 0,
            input_bytes bigint NOT NULL DEFAULT 0,
            output_count integer NOT NULL DEFAULT 0,
            output_bytes bigint NOT NULL DEFAULT 0,
            error text,
            error_details text,
            warnings text,
            calls text,
            PRIMARY KEY (run_id, sequence)
        );
        CREATE TABLE payloads (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            sequence integer NOT NULL,
            idx integer NOT NULL,
            content_type text NOT NULL,
            size bigint NOT NULL,
            stored_size bigint NOT NULL,
            encoding text NOT NULL,
            data bytea NOT NULL,
            UNIQUE (run_id, sequence, idx)
        );
        CREATE TABLE instances (
            name text COLLATE "C" PRIMARY KEY,
            connector_type text NOT NULL,
            address text NOT NULL,
            time_zone text NOT NULL,
            rate_limit text,
            timeout_ms integer NOT NULL,
            variables text NOT NULL,
            settings text NOT NULL,
            sealed_credentials bytea NOT NULL,
            key_id text NOT NULL,
            updated_at double precision NOT NULL
        );
        """

    /// The sync report. Substring search over reference and system uses pg_trgm GIN indexes
    /// (`ILIKE '%term%'`); pg_trgm is a trusted extension, so the database owner can create it.
    static let syncEntries = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE TABLE sync_entries (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            flow_id text COLLATE "C" NOT NULL,
            flow_version integer NOT NULL,
            run_id bigint NOT NULL,
            shape_id text COLLATE "C" NOT NULL,
            system text COLLATE "C" NOT NULL,
            reference text COLLATE "C" NOT NULL,
            source_id text COLLATE "C" NOT NULL,
            endpoint_id text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL,
            attempts integer NOT NULL,
            automatic_retries integer NOT NULL DEFAULT 0,
            first_attempt_at double precision NOT NULL,
            latest_attempt_at double precision NOT NULL,
            next_retry_at double precision,
            latest_response text NOT NULL,
            content_type text NOT NULL,
            payload_size bigint NOT NULL,
            payload_encoding text NOT NULL,
            payload_data bytea NOT NULL
        );
        CREATE INDEX sync_by_latest ON sync_entries (latest_attempt_at);
        CREATE INDEX sync_by_status ON sync_entries (status, latest_attempt_at);
        CREATE INDEX sync_by_system ON sync_entries (system, latest_attempt_at);
        CREATE INDEX sync_by_flow ON sync_entries (flow_id, latest_attempt_at);
        CREATE INDEX sync_due ON sync_entries (next_retry_at) WHERE status = 'pending';
        CREATE INDEX sync_reference_trigrams ON sync_entries USING gin (reference gin_trgm_ops);
        CREATE INDEX sync_system_trigrams ON sync_entries USING gin (system gin_trgm_ops);
        CREATE TABLE sync_transitions (
            entry_id bigint NOT NULL REFERENCES sync_entries (id) ON DELETE CASCADE,
            seq integer NOT NULL,
            at double precision NOT NULL,
            from_status text,
            to_status text NOT NULL,
            reason text NOT NULL,
            PRIMARY KEY (entry_id, seq)
        );
        """

    static let deliveryLedger = """
        CREATE TABLE delivery_ledger (
            system text NOT NULL,
            instance text NOT NULL,
            reference text NOT NULL,
            delivered_hash text,
            delivered_run bigint,
            delivered_shape text,
            delivered_at double precision,
            delivered_entry bigint,
            endpoint_id text,
            response text,
            claim_hash text,
            claim_run bigint,
            claim_shape text,
            claimed_at double precision,
            updated_at double precision NOT NULL,
            PRIMARY KEY (system, instance, reference)
        );
        CREATE INDEX delivery_ledger_by_update ON delivery_ledger (updated_at)
        """
}
