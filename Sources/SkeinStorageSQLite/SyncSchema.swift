/// The sync report's tables (migration `0003_sync_entries`).
///
/// Sortable text columns are NOT NULL (empty when unknown) so keyset pagination can compare
/// row values without NULL cases. The indexes serve the report's common pages: the time window
/// alone, or with a status, system or flow filter, newest first. `sync_search` is an FTS5
/// trigram index for substring search of references (3+ characters; it also held system names
/// until migration 0009, `referenceOnlySearch`).
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

    /// Migration 0009: the trigram index keeps only `reference`, and is filled by one statement
    /// per batch of new entries instead of a trigger per row.
    ///
    /// - System names are found through `sync_by_system` (the few distinct names are read from
    ///   it), so indexing `system` in the trigram table was never read.
    /// - An FTS5 insert from a per-row trigger cost ~25 µs an entry (7,500 entries of one send
    ///   step: ~200 ms, most of the step's storing; docs/benchmarks.md, scenario 1), while one
    ///   `INSERT … SELECT` of the same rows costs ~2 µs an entry. `insertSyncEntries` does that
    ///   in the entries' own transaction, so an entry is searchable as soon as it is stored.
    ///
    /// The index is rebuilt once from `sync_entries` (minutes for ten million entries). Deletes
    /// and reference updates still maintain it by trigger (they are rare and one at a time).
    static let referenceOnlySearch = """
        DROP TRIGGER sync_search_insert;
        DROP TRIGGER sync_search_delete;
        DROP TRIGGER sync_search_update;
        DROP TABLE sync_search;
        CREATE VIRTUAL TABLE sync_search USING fts5(reference, content='sync_entries', content_rowid='id', tokenize='trigram');
        INSERT INTO sync_search(sync_search) VALUES ('rebuild');
        CREATE TRIGGER sync_search_delete AFTER DELETE ON sync_entries BEGIN
            INSERT INTO sync_search(sync_search, rowid, reference) VALUES ('delete', old.id, old.reference);
        END;
        CREATE TRIGGER sync_search_update AFTER UPDATE OF reference ON sync_entries BEGIN
            INSERT INTO sync_search(sync_search, rowid, reference) VALUES ('delete', old.id, old.reference);
            INSERT INTO sync_search(rowid, reference) VALUES (new.id, new.reference);
        END;
        """
}
