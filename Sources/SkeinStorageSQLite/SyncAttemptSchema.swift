/// Table of migration `0017_sync_attempts`: every delivery attempt of a sync entry — the first
/// send, automatic retries, resyncs — with its status, reason, the destination's answer and the
/// endpoint id it learnt. Deleted with its entry.
enum SyncAttemptSchema {
    static let migration = """
        CREATE TABLE sync_attempts (
            entry_id INTEGER NOT NULL REFERENCES sync_entries(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at REAL NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            response TEXT NOT NULL,
            endpoint_id TEXT NOT NULL,
            manual INTEGER NOT NULL,
            PRIMARY KEY (entry_id, seq)
        ) WITHOUT ROWID;
        """

    static let insert = """
        INSERT INTO sync_attempts (entry_id, seq, at, status, reason, response, endpoint_id, manual)
        VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_attempts WHERE entry_id = ?), ?, ?, ?, ?, ?, ?)
        """
}
