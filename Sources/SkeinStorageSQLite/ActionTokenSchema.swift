/// Table of migration `0016_action_tokens`: the one-time tokens of the web UI's recovery forms
/// already used, each kept until `expires_at` (the retention service deletes it after).
enum ActionTokenSchema {
    static let migration = """
        CREATE TABLE action_tokens (
            token TEXT NOT NULL PRIMARY KEY,
            expires_at REAL NOT NULL
        );
        CREATE INDEX action_tokens_by_expiry ON action_tokens(expires_at);
        """
}
