/// Table of migration `0015_webhook_identities`: the identity of each de-duplicated webhook
/// delivery (`dedupe:` on a webhook trigger) and the run it started, unique per flow, kept until
/// `expires_at` (the end of the trigger's window; the retention service deletes it after).
/// `run_id` is empty only inside the transaction that claims the identity and stores its run.
enum WebhookIdentitySchema {
    static let migration = """
        CREATE TABLE webhook_identities (
            flow_id TEXT NOT NULL,
            identity TEXT NOT NULL,
            run_id INTEGER,
            expires_at REAL NOT NULL,
            PRIMARY KEY (flow_id, identity)
        );
        CREATE INDEX webhook_identities_by_expiry ON webhook_identities(expires_at);
        """
}
