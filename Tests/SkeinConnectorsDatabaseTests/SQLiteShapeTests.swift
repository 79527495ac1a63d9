import Foundation
import SkeinConnectorsDatabase
import SkeinCore
import SkeinJSON
import Testing

/// The `database` shape on SQLite files.
@Suite("The database shape on SQLite")
struct SQLiteShapeTests {
    /// A file with an `items` table, created through the shape.
    func withItems(_ body: (Instance, String) async throws -> Void) async throws {
        let path = temporarySQLitePath()
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let instance = sqliteInstance(path)
        try await run(
            [
                "CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, price REAL, active BOOLEAN, attributes JSON, added TEXT)",
                "INSERT INTO items VALUES (1, 'A-1', 9.5, 1, '{\"colour\":\"red\"}', '2026-11-20T09:00:00Z'), (2, 'B-2', NULL, 0, NULL, '2026-11-22T09:00:00Z')",
            ], on: instance)
        try await body(instance, path)
    }

    @Test("A query with $N parameters, in any order, becomes typed JSON rows")
    func select() async throws {
        try await withItems { instance, _ in
            let result = try await prepareDatabase([
                "instance": "local-db", "query": "SELECT * FROM items WHERE added > $2 AND sku <> $1 ORDER BY id",
                "parameters": ["'none'", "{{since}}"],
            ]).execute([], context: databaseContext(instance, variables: ["since": "2026-01-01"]))
            #expect(
                try result.outputs[0].json() == [
                    ["id": 1, "sku": "A-1", "price": 9.5, "active": true, "attributes": ["colour": "red"], "added": "2026-11-20T09:00:00Z"],
                    ["id": 2, "sku": "B-2", "price": .null, "active": false, "attributes": .null, "added": "2026-11-22T09:00:00Z"],
                ])
        }
    }

    @Test("One query per input payload, one output payload each")
    func queryPerPayload() async throws {
        try await withItems { instance, _ in
            let result = try await prepareDatabase([
                "instance": "local-db", "query": "SELECT sku FROM items WHERE id = $1", "parameters": ["id"],
            ]).execute([Payload(json: ["id": 2]), Payload(json: ["id": 1])], context: databaseContext(instance))
            #expect(try result.outputs.map { try $0.json() } == [[["sku": "B-2"]], [["sku": "A-1"]]])
        }
    }

    @Test("Parameters and insert rows may translate codes with $lookup")
    func lookups() async throws {
        try await withItems { instance, _ in
            var context = databaseContext(instance)
            context.lookups = RunLookups([LookupTable(name: "skus", rows: [LookupRow(left: "shop-b", right: "B-2"), LookupRow(left: "shop-e", right: "E-5")])])
            let selected = try await prepareDatabase([
                "instance": "local-db", "query": "SELECT id FROM items WHERE sku = $1", "parameters": [#"$lookup("skus", code)"#],
            ]).execute([Payload(json: ["code": "shop-b"])], context: context)
            #expect(try selected.outputs[0].json() == [["id": 2]])
            _ = try await prepareDatabase(["instance": "local-db", "insert": ["table": "items", "rows": #"{"id": 5, "sku": $lookup("skus", code)}"#]])
                .execute([Payload(json: ["code": "shop-e"])], context: context)
            let back = try await prepareDatabase(["instance": "local-db", "query": "SELECT sku FROM items WHERE id = 5"]).execute([], context: context)
            #expect(try back.outputs[0].json() == [["sku": "E-5"]])
        }
    }

    @Test("Insert and upsert round trip; a failing row rolls back the whole step")
    func insertUpsert() async throws {
        try await withItems { instance, _ in
            let upsert = try prepareDatabase(["instance": "local-db", "insert": ["table": "items", "rows": "$", "upsert_on": ["id"]]])
            _ = try await upsert.execute(
                [
                    Payload(json: [["id": 2, "sku": "B-2", "price": 4.25, "active": true]]),
                    Payload(json: ["id": 3, "sku": "C-3", "attributes": ["size": 40]]),
                ], context: databaseContext(instance))
            let back = try await prepareDatabase(["instance": "local-db", "query": "SELECT id, sku, price, active, attributes FROM items ORDER BY id"])
                .execute([], context: databaseContext(instance))
            #expect(
                try back.outputs[0].json() == [
                    ["id": 1, "sku": "A-1", "price": 9.5, "active": true, "attributes": ["colour": "red"]],
                    ["id": 2, "sku": "B-2", "price": 4.25, "active": true, "attributes": .null],
                    ["id": 3, "sku": "C-3", "price": .null, "active": .null, "attributes": ["size": 40]],
                ])

            let failure = await #expect(throws: ShapeFailure.self) {
                try await upsert.execute([Payload(json: [["id": 4, "sku": "D"], ["id": 5, "sku": .null]])], context: databaseContext(instance))
            }
            #expect(failure?.message.contains("NOT NULL constraint failed: items.sku") == true)
            let count = try await prepareDatabase(["instance": "local-db", "query": "SELECT count(*) AS n FROM items"])
                .execute([], context: databaseContext(instance))
            #expect(try count.outputs[0].json() == [["n": 3]])
        }
    }

    @Test("A missing file, an SQL error and rows that are not objects are clear errors naming the instance")
    func errors() async throws {
        let missing = try await errorOf(sqliteInstance("/nonexistent/skein.sqlite"), ["instance": "local-db", "query": "SELECT 1"])
        #expect(missing.contains("instance 'local-db'") && missing.contains("/nonexistent/skein.sqlite does not exist"))
        try await withItems { instance, _ in
            let sql = try await errorOf(instance, ["instance": "local-db", "query": "SELECT nope FROM items"])
            #expect(sql.contains("instance 'local-db'") && sql.contains("no such column: nope"))
            let rows = try await errorOf(
                instance, ["instance": "local-db", "insert": ["table": "items", "rows": "skus"]],
                input: [Payload(json: ["skus": ["A", "B"]])])
            #expect(rows.contains("payload 1, row 1 is string, expected an object of column values"))
        }
    }

    func errorOf(_ instance: Instance, _ settings: JSON, input: [Payload] = []) async throws -> String {
        do {
            _ = try await prepareDatabase(settings).execute(input, context: databaseContext(instance))
        } catch let failure as ShapeFailure {
            return failure.message
        }
        Issue.record("expected a failure")
        return ""
    }

    @Test("Settings are checked when the flow is read")
    func settings() {
        #expect(databaseProblems(["instance": "d"]) == ["shapes[0].database.query: set either 'query' (a SELECT) or 'insert' (rows into a table)"])
        #expect(databaseProblems(["instance": "d", "query": "SELECT 1", "parameters": ["$$$("]]).first?.hasPrefix("shapes[0].database.parameters[0]:") == true)
        #expect(
            databaseProblems(["instance": "d", "insert": ["table": "a.b.c"]]) == [
                "shapes[0].database.insert.table: 'a.b.c' is not a table name (table or schema.table)"
            ])
        #expect(databaseProblems(["instance": "d", "query": "SELECT 1", "insert": ["table": "t"]]).count == 1)
    }
}
