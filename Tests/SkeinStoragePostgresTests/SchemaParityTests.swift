import Foundation
import GRDB
import SkeinStoragePostgres
import SkeinStorageSQLite
import SkeinTestSupport
import Testing

/// The two disk backends keep the same data: a fresh SQLite store and a fresh PostgreSQL
/// database, each migrated by its store, have the same tables, columns (types mapped between
/// the dialects), primary keys, unique keys, foreign keys and indexes — apart from the listed,
/// intentional differences. A migration added to one backend only fails here until the other
/// has its counterpart or the difference is listed with its reason.
@Suite struct SchemaParityTests {
    @Test func bothBackendsMigrateToTheSameSchemaApartFromListedDifferences() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("skein.sqlite").path
        _ = try SQLiteStore(path: path)
        let sqlite = try SchemaFacts.sqlite(path: path)
        try await withPostgres { database in
            let store = try await PostgresStore.open(
                try PostgresAddress(url: database.url), maximumConnections: 1, connectionWait: PostgresTestDatabase.connectionWait)
            store.close()
            let postgres = try SchemaFacts.postgres(database)
            #expect(
                sqlite.subtracting(postgres).sorted() == SchemaDifferences.onlySQLite.keys.sorted(),
                "SQLite has what PostgreSQL lacks (add a PostgreSQL migration, or list the difference with its reason)")
            #expect(
                postgres.subtracting(sqlite).sorted() == SchemaDifferences.onlyPostgres.keys.sorted(),
                "PostgreSQL has what SQLite lacks (add a SQLite migration, or list the difference with its reason)")
            #expect(sqlite.intersection(postgres).count > 150, "the comparison read both schemas")
        }
    }

    /// Each backend records its migrations under its own identifiers (numbered apart, PostgreSQL's
    /// prefixed `pg_`). Identifiers already recorded in databases are never renamed: a renamed one
    /// would be applied again by an older process sharing the database. So the mapping between
    /// the two is kept here, topic by topic, and each backend must record exactly its column.
    @Test func migrationIdentifiersFollowTheSharedHistory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("skein.sqlite").path
        _ = try SQLiteStore(path: path)
        let recorded = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(recorded.sorted() == SchemaHistory.steps.compactMap(\.sqlite))
        try await withPostgres { database in
            let store = try await PostgresStore.open(
                try PostgresAddress(url: database.url), maximumConnections: 1, connectionWait: PostgresTestDatabase.connectionWait)
            store.close()
            let names = try database.psql("SELECT name FROM schema_migrations ORDER BY name").split(separator: "\n").map(String.init)
            #expect(names == SchemaHistory.steps.compactMap(\.postgres))
        }
    }
}

/// Every schema change, by topic, and the identifier each backend records it under (nil: that
/// backend has no migration of its own for it; the note says where its schema has it).
enum SchemaHistory {
    struct Step {
        var topic: String
        var sqlite: String?
        var postgres: String?
        var note: String = ""
    }

    static let steps: [Step] = [
        Step(
            topic: "flows, runs, steps, payloads, instances",
            sqlite: "0001_flows_runs_steps_payloads_instances", postgres: "0001_pg_flows_runs_steps_payloads_instances"),
        Step(
            topic: "runs.payloads_expired (retention)", sqlite: "0002_run_retention", postgres: nil,
            note: "PostgreSQL started after retention: the column is in its 0001"),
        Step(topic: "the sync report", sqlite: "0003_sync_entries", postgres: "0002_pg_sync_entries"),
        Step(topic: "users, sessions, API tokens, audit log", sqlite: "0004_web_access", postgres: "0003_pg_web_access"),
        Step(
            topic: "data pools, caches, tracked values, run variables",
            sqlite: "0005_shapes_pools_cache_tracking", postgres: "0004_pg_shapes_pools_cache_tracking"),
        Step(topic: "step paths and details (flows as trees)", sqlite: "0006_flowtree_step_paths", postgres: "0005_pg_flowtree_step_paths"),
        Step(
            topic: "flows.max_concurrent_runs and runs_started_by_flow", sqlite: "0007_pg_flow_concurrency", postgres: nil,
            note: "in PostgreSQL's 0001; the SQLite identifier's `pg_` is a misnomer kept because databases recorded it"),
        Step(
            topic: "run list indexes for a million runs", sqlite: "0008_perf_run_indexes", postgres: nil,
            note: "SQLite planner aids; see SchemaDifferences"),
        Step(
            topic: "the search index keeps references only", sqlite: "0009_sync_search_reference_only", postgres: nil,
            note: "PostgreSQL's trigram indexes were per column from its 0002"),
        Step(topic: "runs.trace_parent (tracing)", sqlite: "0010_run_trace_parent", postgres: "0006_pg_run_trace_parent"),
        Step(topic: "the delivery ledger", sqlite: "0011_delivery_ledger", postgres: "0007_pg_delivery_ledger"),
        Step(topic: "notification groups and the alert rate limit", sqlite: "0012_alerts", postgres: "0008_pg_alerts"),
        Step(topic: "flow_drafts (drafts before deploy)", sqlite: "0013_flow_drafts", postgres: "0009_pg_flow_drafts"),
        Step(topic: "cross-reference lookup tables", sqlite: "0014_lookups", postgres: "0010_pg_lookups"),
        Step(topic: "inbound webhook de-duplication", sqlite: "0015_webhook_identities", postgres: "0011_pg_webhook_identities"),
        Step(topic: "one-time action tokens of the web UI", sqlite: "0016_action_tokens", postgres: "0012_pg_action_tokens"),
        Step(topic: "every delivery attempt of a sync entry", sqlite: "0017_sync_attempts", postgres: "0013_pg_sync_attempts"),
    ]
}

/// What one backend's schema has and the other's has not, on purpose, with why.
enum SchemaDifferences {
    static let onlySQLite: [String: String] = [
        "table sync_search": "FTS5 trigram index of references (PostgreSQL: the pg_trgm GIN index sync_reference_trigrams)",
        "table sync_search_config": "FTS5's own table for sync_search",
        "table sync_search_data": "FTS5's own table for sync_search",
        "table sync_search_docsize": "FTS5's own table for sync_search",
        "table sync_search_idx": "FTS5's own table for sync_search",
        "index runs_claimable on runs(priority,id) where status in 'queued', 'started'":
            "SQLite claims queued runs and expired leases in one ordered walk; PostgreSQL locks the two sets apart (runs_queued, runs_leased) with SKIP LOCKED",
        "index runs_by_status_queued_at on runs(status,queued_at)":
            "0008: SQLite plans for the run list at a million runs (skein bench runs); not measured on PostgreSQL",
        "index runs_by_flow_queued_at on runs(flow_id,queued_at)":
            "0008: SQLite plans for the run list at a million runs (skein bench runs); not measured on PostgreSQL",
        "index runs_by_trigger on runs(trigger,id)":
            "0008: SQLite plans for the run list at a million runs (skein bench runs); not measured on PostgreSQL",
        "index pool_keys_by_claimant on pool_keys(pool,run_id,shape_id)":
            "created with SQLite's pools; both backends read a claimant's keys back by primary key (pool, key)",
    ]

    static let onlyPostgres: [String: String] = [
        "index runs_queued on runs(priority,id) where status = 'queued'": "PostgreSQL's claim of queued runs (see runs_claimable)",
        "index runs_leased on runs(lease_expires_at) where status = 'started'": "PostgreSQL's claim of expired leases (see runs_claimable)",
        "index sessions_by_expiry on sessions(expires_at)": "pruneSessions on a shared server; SQLite scans its few sessions",
        "index sync_reference_trigrams on sync_entries(reference) using gin": "reference search (SQLite: the FTS5 table sync_search)",
        "index sync_system_trigrams on sync_entries(system) using gin":
            "system search (SQLite reads the few distinct names through sync_by_system)",
    ]
}

/// A schema as comparable facts: `table T`, `column T.C KIND [not null]`, `primary key T(C,…)`,
/// `unique T(C,…)`, `index NAME on T(C,…) [where …] [using METHOD]`, `foreign key T.C -> R.C on delete ACTION`.
enum SchemaFacts {
    /// SQLite's own bookkeeping, not Skein's data.
    static let sqliteInternal: Set<String> = ["grdb_migrations", "sqlite_sequence"]
    static let postgresInternal: Set<String> = ["schema_migrations"]

    static func sqlite(path: String) throws -> Set<String> {
        try DatabaseQueue(path: path).read { db in
            var facts: Set<String> = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .filter { !sqliteInternal.contains($0) }
            for table in tables {
                facts.insert("table \(table)")
                guard !table.hasPrefix("sync_search") else { continue }  // FTS5 tables: listed as tables only
                var primaryKey: [(Int, String)] = []
                for row in try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\" AS required, pk FROM pragma_table_info(?)", arguments: [table]) {
                    let name: String = row["name"], pk: Int = row["pk"]
                    let notNull = (row["required"] as Int) == 1 || pk > 0
                    facts.insert("column \(table).\(name) \(kind(sqlite: row["type"]))\(notNull ? " not null" : "")")
                    if pk > 0 { primaryKey.append((pk, name)) }
                }
                if !primaryKey.isEmpty { facts.insert("primary key \(table)(\(primaryKey.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")))") }
                for index in try Row.fetchAll(db, sql: "SELECT name, \"unique\" AS isUnique, origin FROM pragma_index_list(?)", arguments: [table]) {
                    let name: String = index["name"], origin: String = index["origin"]
                    guard origin != "pk" else { continue }
                    let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name]).joined(separator: ",")
                    if (index["isUnique"] as Int) == 1 {
                        facts.insert("unique \(table)(\(columns))")
                        continue
                    }
                    let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name]) ?? ""
                    let predicate = sql.range(of: " WHERE ").map { String(sql[$0.upperBound...]) }
                    facts.insert(indexFact(name, table: table, columns: columns, predicate: predicate, method: "btree"))
                }
                for key in try Row.fetchAll(
                    db, sql: "SELECT \"from\" AS source, \"table\" AS target, \"to\" AS column, on_delete FROM pragma_foreign_key_list(?)",
                    arguments: [table])
                {
                    facts.insert(
                        "foreign key \(table).\(key["source"] as String) -> \(key["target"] as String).\(key["column"] as String) on delete \((key["on_delete"] as String).lowercased())"
                    )
                }
            }
            return facts
        }
    }

    static func postgres(_ database: PostgresTestDatabase) throws -> Set<String> {
        var facts: Set<String> = []
        func rows(_ sql: String) throws -> [[String]] {
            try database.psql(sql).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
        for row in try rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'") where !postgresInternal.contains(row[0]) {
            facts.insert("table \(row[0])")
        }
        for row in try rows(
            """
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'
            """) where !postgresInternal.contains(row[0])
        {
            facts.insert("column \(row[0]).\(row[1]) \(kind(postgres: row[2]))\(row[3] == "NO" ? " not null" : "")")
        }
        let indexes = try rows(
            """
            SELECT i.relname, t.relname, ix.indisunique, ix.indisprimary, am.amname,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, o)
                                         JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.o), ','),
                   coalesce(pg_get_expr(ix.indpred, ix.indrelid), '')
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public'
            """)
        for row in indexes where !postgresInternal.contains(row[1]) {
            let (name, table, unique, primary, method, columns, predicate) = (row[0], row[1], row[2] == "t", row[3] == "t", row[4], row[5], row[6])
            if primary {
                facts.insert("primary key \(table)(\(columns))")
            } else if unique {
                facts.insert("unique \(table)(\(columns))")
            } else {
                facts.insert(indexFact(name, table: table, columns: columns, predicate: predicate.isEmpty ? nil : predicate, method: method))
            }
        }
        for row in try rows(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname, c.confdeltype
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
            WHERE n.nspname = 'public' AND c.contype = 'f'
            """)
        {
            let action = ["a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"][row[4]] ?? row[4]
            facts.insert("foreign key \(row[0]).\(row[1]) -> \(row[2]).\(row[3]) on delete \(action)")
        }
        return facts
    }

    static func indexFact(_ name: String, table: String, columns: String, predicate: String?, method: String) -> String {
        var fact = "index \(name) on \(table)(\(columns))"
        if let predicate {
            // `(status = 'started'::text)` and `status = 'started'` are the same condition.
            let normalized = predicate.replacingOccurrences(of: "::text", with: "").replacingOccurrences(of: "(", with: "")
                .replacingOccurrences(of: ")", with: "").lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            fact += " where \(normalized)"
        }
        if method != "btree" { fact += " using \(method)" }
        return fact
    }

    /// SQLite's declared types and PostgreSQL's types, as the kind of value a column holds:
    /// booleans are SQLite integers, 32- and 64-bit integers are one kind there.
    static func kind(sqlite type: String) -> String {
        switch type.uppercased() {
        case "INTEGER": "integer"
        case "REAL": "real"
        case "TEXT": "text"
        case "BLOB": "bytes"
        default: "unknown(\(type))"
        }
    }

    static func kind(postgres type: String) -> String {
        switch type {
        case "integer", "bigint", "boolean": "integer"
        case "double precision": "real"
        case "text": "text"
        case "bytea": "bytes"
        default: "unknown(\(type))"
        }
    }
}
