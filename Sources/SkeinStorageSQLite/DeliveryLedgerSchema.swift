/// The delivery ledger's table (migration `0011_delivery_ledger`): one row per destination
/// (system, instance) and reference — the latest accepted delivery and the claim in flight.
/// `DeliveryLedgerStore` describes it; `delivery_ledger_by_update` serves retention.
enum DeliveryLedgerSchema {
    static let migration = """
        CREATE TABLE delivery_ledger (
            system TEXT NOT NULL,
            instance TEXT NOT NULL,
            reference TEXT NOT NULL,
            delivered_hash TEXT,
            delivered_run INTEGER,
            delivered_shape TEXT,
            delivered_at REAL,
            delivered_entry INTEGER,
            endpoint_id TEXT,
            response TEXT,
            claim_hash TEXT,
            claim_run INTEGER,
            claim_shape TEXT,
            claimed_at REAL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (system, instance, reference)
        ) WITHOUT ROWID;
        CREATE INDEX delivery_ledger_by_update ON delivery_ledger(updated_at);
        """
}
