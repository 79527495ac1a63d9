import GRDB

/// The SQLite schema, as named, append-only migrations. Never edit a released migration:
/// add a new one. They run when the store opens, before anything is served.
///
/// Identifiers are numbered apart from PostgreSQL's and are never renamed once released (a
/// database records them). `SchemaHistory` in Tests/SkeinStoragePostgresTests/SchemaParityTests.swift
/// maps each one to its PostgreSQL counterpart, and a test fails when a schema change reaches
/// one backend only: add the other backend's migration (or list the difference there).
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001_flows_runs_steps_payloads_instances") { db in
            try db.execute(
                sql: """
                    CREATE TABLE flow_versions (
                        flow_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        source TEXT NOT NULL,
                        deployed_at REAL NOT NULL,
                        PRIMARY KEY (flow_id, version)
                    );
                    CREATE TABLE flows (
                        flow_id TEXT PRIMARY KEY,
                        latest_version INTEGER NOT NULL,
                        enabled INTEGER NOT NULL DEFAULT 1
                    );
                    CREATE TABLE schedule_ticks (
                        flow_id TEXT NOT NULL,
                        tick REAL NOT NULL,
                        PRIMARY KEY (flow_id, tick)
                    );
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        flow_id TEXT NOT NULL,
                        flow_version INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        trigger TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        entry_shape_id TEXT,
                        origin_run_id INTEGER,
                        queued_at REAL NOT NULL,
                        started_at REAL,
                        finished_at REAL,
                        error TEXT,
                        failed_shape_id TEXT,
                        has_warnings INTEGER NOT NULL DEFAULT 0,
                        stop_requested INTEGER NOT NULL DEFAULT 0,
                        lease_owner TEXT,
                        lease_expires_at REAL,
                        claims INTEGER NOT NULL DEFAULT 0,
                        input_count INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX runs_claimable ON runs(priority, id) WHERE status IN ('queued', 'started');
                    CREATE INDEX runs_by_flow ON runs(flow_id, id);
                    CREATE INDEX runs_by_status ON runs(status, id);
                    CREATE INDEX runs_by_queued_at ON runs(queued_at);
                    CREATE INDEX runs_by_origin ON runs(origin_run_id) WHERE origin_run_id IS NOT NULL;
                    CREATE TABLE steps (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        sequence INTEGER NOT NULL,
                        shape_id TEXT NOT NULL,
                        shape_type TEXT NOT NULL,
                        status TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        finished_at REAL,
                        attempts INTEGER NOT NULL DEFAULT 1,
                        input_count INTEGER NOT NULL DEFAULT 0,
                        input_bytes INTEGER NOT NULL DEFAULT 0,
                        output_count INTEGER NOT NULL DEFAULT 0,
                        output_bytes INTEGER NOT NULL DEFAULT 0,
                        error TEXT,
                        error_details TEXT,
                        warnings TEXT,
                        calls TEXT,
                        PRIMARY KEY (run_id, sequence)
                    ) WITHOUT ROWID;
                    CREATE TABLE payloads (
                        id INTEGER PRIMARY KEY,
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        sequence INTEGER NOT NULL,
                        idx INTEGER NOT NULL,
                        content_type TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        stored_size INTEGER NOT NULL,
                        encoding TEXT NOT NULL,
                        data BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX payloads_by_step ON payloads(run_id, sequence, idx);
                    CREATE TABLE instances (
                        name TEXT PRIMARY KEY,
                        connector_type TEXT NOT NULL,
                        address TEXT NOT NULL,
                        time_zone TEXT NOT NULL,
                        rate_limit TEXT,
                        timeout_ms INTEGER NOT NULL,
                        variables TEXT NOT NULL,
                        settings TEXT NOT NULL,
                        sealed_credentials BLOB NOT NULL,
                        key_id TEXT NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("0002_run_retention") { db in
            // Retention deletes a run's payloads before its log; the flag says the log outlived them.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN payloads_expired INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("0003_sync_entries") { db in
            try db.execute(sql: SyncSchema.migration0003)
        }
        migrator.registerMigration("0004_web_access") { db in
            try db.execute(sql: AccessSchema.migration0004)
        }
        migrator.registerMigration("0005_shapes_pools_cache_tracking") { db in
            try db.execute(sql: ShapesSchema.migration)
        }
        migrator.registerMigration("0006_flowtree_step_paths") { db in
            // Flows are trees (route, branch, try): where each step sits, and what the engine
            // recorded about it (branches taken, payloads caught, child runs, input origin).
            try db.execute(sql: "ALTER TABLE steps ADD COLUMN path TEXT")
            try db.execute(sql: "ALTER TABLE steps ADD COLUMN details TEXT")
        }
        // `pg_` is a misnomer (this is SQLite's migration), kept because databases recorded it.
        migrator.registerMigration("0007_pg_flow_concurrency") { db in
            // A flow's max_concurrent_runs, copied from its latest version at deploy, read when claiming.
            try db.execute(
                sql: """
                    ALTER TABLE flows ADD COLUMN max_concurrent_runs INTEGER;
                    CREATE INDEX runs_started_by_flow ON runs(flow_id) WHERE status = 'started';
                    """)
        }
        migrator.registerMigration("0008_perf_run_indexes") { db in
            try db.execute(sql: RunIndexesSchema.migration)
        }
        migrator.registerMigration("0009_sync_search_reference_only") { db in
            try db.execute(sql: SyncSchema.referenceOnlySearch)
        }
        migrator.registerMigration("0010_run_trace_parent") { db in
            // The W3C traceparent of a run's span, so the run page can name its trace.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN trace_parent TEXT")
        }
        migrator.registerMigration("0011_delivery_ledger") { db in
            // What each destination was sent, per reference: `deliver: if_changed` and stable idempotency keys.
            try db.execute(sql: DeliveryLedgerSchema.migration)
        }
        migrator.registerMigration("0012_alerts") { db in
            try db.execute(sql: AlertSchema.migration)
        }
        migrator.registerMigration("0013_flow_drafts") { db in
            // A flow's work in progress (at most one per flow), saved over until it is deployed.
            try db.execute(
                sql: """
                    CREATE TABLE flow_drafts (
                        flow_id TEXT PRIMARY KEY,
                        source TEXT NOT NULL,
                        base_version INTEGER,
                        updated_by TEXT NOT NULL,
                        updated_at REAL NOT NULL
                    )
                    """)
        }
        migrator.registerMigration("0014_lookups") { db in
            // Cross-reference lookup tables (`$lookup` in expressions, `skein lookup`).
            try db.execute(sql: LookupSchema.migration)
        }
        migrator.registerMigration("0015_webhook_identities") { db in
            // Inbound webhook de-duplication (`dedupe:`): one run per flow and delivery identity.
            try db.execute(sql: WebhookIdentitySchema.migration)
        }
        migrator.registerMigration("0016_action_tokens") { db in
            // One-time tokens of the web UI's recovery forms: a repeated submission is refused.
            try db.execute(sql: ActionTokenSchema.migration)
        }
        migrator.registerMigration("0017_sync_attempts") { db in
            // Every delivery attempt of a sync entry with the destination's answer (the sync entry page).
            try db.execute(sql: SyncAttemptSchema.migration)
        }
        return migrator
    }
}
