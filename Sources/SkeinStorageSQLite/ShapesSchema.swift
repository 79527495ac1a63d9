/// Tables of the de-dupe, cache, track and set-variables shapes (migration
/// `0005_shapes_pools_cache_tracking`).
///
/// - `pool_keys`: one row per key per data pool; the primary key makes "insert if absent"
///   atomic (`ON CONFLICT DO NOTHING`), the claimant columns let a re-run step recognise its own keys.
/// - `cache_entries`: payloads by scope, name and key; `id` orders them oldest first for eviction.
/// - `tracked_values`: field values seen by track shapes, indexed by value for search; they go
///   with their run.
/// - `run_variables`: a run's flow variables after each step that set any.
enum ShapesSchema {
    static let migration = """
        CREATE TABLE pool_keys (
            pool TEXT NOT NULL,
            key TEXT NOT NULL,
            first_seen_at REAL NOT NULL,
            expires_at REAL,
            run_id INTEGER,
            shape_id TEXT,
            PRIMARY KEY (pool, key)
        ) WITHOUT ROWID;
        CREATE INDEX pool_keys_by_expiry ON pool_keys(expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX pool_keys_by_claimant ON pool_keys(pool, run_id, shape_id);
        CREATE TABLE cache_entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            name TEXT NOT NULL,
            key TEXT NOT NULL,
            added_at REAL NOT NULL,
            expires_at REAL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            encoding TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE UNIQUE INDEX cache_entries_by_key ON cache_entries(scope, name, key);
        CREATE INDEX cache_entries_by_age ON cache_entries(scope, name, id);
        CREATE INDEX cache_entries_by_expiry ON cache_entries(expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE tracked_values (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            flow_id TEXT NOT NULL,
            shape_id TEXT NOT NULL,
            payload_idx INTEGER NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            tracked_at REAL NOT NULL,
            PRIMARY KEY (run_id, shape_id, payload_idx, field, value)
        ) WITHOUT ROWID;
        CREATE INDEX tracked_values_by_value ON tracked_values(value, field, tracked_at);
        CREATE TABLE run_variables (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            variables TEXT NOT NULL,
            PRIMARY KEY (run_id, sequence)
        ) WITHOUT ROWID;
        """
}
