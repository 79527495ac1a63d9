/// The sync report's tables (migration `0003_sync_entries`).
///
/// Sortable text columns are NOT NULL (empty when unknown) so keyset pagination can compare
/// row values without NULL cases. The indexes serve the report's common pages: the time window
/// alone, or with a status, system or flow filter, newest first. `sync_search` is an FTS5
/// trigram index over system and reference for substring search (3+ characters).
enum SyncSchema {
    static let migration0003 = """
        CREATE TABLE sync_entries (
            id INTEGER PRIMARY KEY,
            flow_id TEXT NOT NULL,
            flow_version INTEGER NOT NULL,
            run_id INTEGER NOT NULL,
            shape_id TEXT NOT NULL,
            system TEXT NOT NULL,
            reference TEXT NOT NULL,
            source_id TEXT NOT NULL,
            endpoint_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            automatic_retries INTEGER NOT NULL DEFAULT 0,
            first_attempt_at REAL NOT NULL,
            latest_attempt_at REAL NOT NULL,
            next_retry_at REAL,
            latest_response TEXT NOT NULL,
            content_type TEXT NOT NULL,
            payload_size INTEGER NOT NULL,
            payload_encoding TEXT NOT NULL,
            payload_data BLOB NOT NULL
        );
        CREATE INDEX sync_by_latest ON sync_entries(latest_attempt_at);
        CREATE INDEX sync_by_status ON sync_entries(status, latest_attempt_at);
        CREATE INDEX sync_by_system ON sync_entries(system, latest_attempt_at);
        CREATE INDEX sync_by_flow ON sync_entries(flow_id, latest_attempt_at);
        CREATE INDEX sync_due ON sync_entries(next_retry_at) WHERE status = 'pending';
        CREATE TABLE sync_transitions (
            entry_id INTEGER NOT NULL REFERENCES sync_entries(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at REAL NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (entry_id, seq)
        ) WITHOUT ROWID;
        CREATE VIRTUAL TABLE sync_search USING fts5(system, reference, content='sync_entries', content_rowid='id', tokenize='trigram');
        CREATE TRIGGER sync_search_insert AFTER INSERT ON sync_entries BEGIN
            INSERT INTO sync_search(rowid, system, reference) VALUES (new.id, new.system, new.reference);
        END;
        CREATE TRIGGER sync_search_delete AFTER DELETE ON sync_entries BEGIN
            INSERT INTO sync_search(sync_search, rowid, system, reference) VALUES ('delete', old.id, old.system, old.reference);
        END;
        CREATE TRIGGER sync_search_update AFTER UPDATE OF system, reference ON sync_entries BEGIN
            INSERT INTO sync_search(sync_search, rowid, system, reference) VALUES ('delete', old.id, old.system, old.reference);
            INSERT INTO sync_search(rowid, system, reference) VALUES (new.id, new.system, new.reference);
        END;
        """

}
