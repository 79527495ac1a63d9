import SkeinConnectorsDatabase
import SkeinCore
import SkeinJSON
import SkeinTestSupport
import Testing

/// The `database` shape against a real PostgreSQL 15 server started by the test.
@Suite("The database shape on PostgreSQL")
struct PostgresShapeTests {
    static let schema = """
        CREATE TABLE orders (
          id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), weight double precision,
          paid boolean NOT NULL DEFAULT false, note text, updated_at timestamptz NOT NULL,
          shipped_on date, lines jsonb, big bigint);
        INSERT INTO orders VALUES
          (1, 'ada',   12.50, 1.25, true,  NULL,       '2026-11-20 09:00:00+00', '2026-11-21', '[{"sku":"A-1","qty":2}]', 9007199254740991),
          (2, 'brian', 99.99, 0.5,  false, 'fragile',  '2026-11-22 10:30:00.123456+00', NULL, '{"gift":true}', NULL),
          (3, 'ada',    1.00, 2,    false, 'it''s ok', '2026-11-23 08:00:00+00', NULL, NULL, -5);
        """

    @Test("A query with bound parameters becomes one JSON payload of typed rows")
    func selectWithParameters() async throws {
        try await withPostgres { server in
            try server.psql(Self.schema)
            let recorder = CallRecorder()
            let executor = try prepareDatabase([
                "instance": "erp-db",
                "query": "SELECT * FROM orders WHERE updated_at > $1 AND customer = $2 ORDER BY id",
                "parameters": ["{{variables.since}}", "customer.name"],
            ])
            let input = Payload(json: ["customer": ["name": "ada"]])
            let result = try await executor.execute(
                [input],
                context: databaseContext(
                    postgresInstance(server), variables: ["since": "2026-11-19T00:00:00Z"], recorder: recorder))

            #expect(result.outputs.count == 1)
            let rows = try result.outputs[0].json()
            #expect(
                rows == [
                    [
                        "id": 1, "customer": "ada", "total": 12.5, "weight": 1.25, "paid": true, "note": .null,
                        "updated_at": "2026-11-20T09:00:00Z", "shipped_on": "2026-11-21", "lines": [["qty": 2, "sku": "A-1"]],  // jsonb orders keys
                        "big": 9007199254740991,
                    ],
                    [
                        "id": 3, "customer": "ada", "total": 1, "weight": 2, "paid": false, "note": "it's ok",
                        "updated_at": "2026-11-23T08:00:00Z", "shipped_on": .null, "lines": .null, "big": -5,
                    ],
                ])
            #expect(recorder.calls.first?["operation"] == "query")
            #expect(recorder.calls.first?["rows"] == 2)

            let fraction = try await prepareDatabase([
                "instance": "erp-db", "query": "SELECT updated_at, lines FROM orders WHERE id = $1", "parameters": [2],
            ]).execute([], context: databaseContext(postgresInstance(server)))
            #expect(try fraction.outputs[0].json() == [["updated_at": "2026-11-22T10:30:00.123456Z", "lines": ["gift": true]]])
        }
    }

    @Test("A parameter is a value, never SQL")
    func parametersAreNotSQL() async throws {
        try await withPostgres { server in
            try server.psql(Self.schema)
            let hostile = "ada' OR '1'='1'; DROP TABLE orders; --"
            let result = try await prepareDatabase([
                "instance": "erp-db", "query": "SELECT id FROM orders WHERE customer = $1", "parameters": ["{{variables.who}}"],
            ]).execute([], context: databaseContext(postgresInstance(server), variables: ["who": .string(hostile)]))
            #expect(try result.outputs[0].json() == [])
            #expect(try server.psql("SELECT count(*) FROM orders").trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        }
    }

    @Test("Insert then upsert rows from payloads, in one transaction per step")
    func insertAndUpsert() async throws {
        try await withPostgres { server in
            try server.psql(Self.schema)
            let instance = postgresInstance(server)
            let upsert = try prepareDatabase([
                "instance": "erp-db", "insert": ["table": "orders", "rows": "orders", "upsert_on": ["id"]],
            ])
            let first = Payload(json: [
                "orders": [
                    ["id": 10, "customer": "cy", "total": 5.5, "paid": true, "updated_at": "2026-11-23T12:00:00Z", "lines": [["sku": "Z"]]],
                    ["id": 11, "customer": "di", "total": 7, "updated_at": "2026-11-23T12:05:00Z"],
                ]
            ])
            let recorder = CallRecorder()
            let passed = try await upsert.execute([first], context: databaseContext(instance, recorder: recorder))
            #expect(passed.outputs == [first])
            #expect(recorder.calls.first?["operation"] == "upsert")
            #expect(recorder.calls.first?["rows"] == 2)

            let second = Payload(json: ["orders": [["id": 10, "customer": "cy", "total": 6.75, "updated_at": "2026-11-23T13:00:00Z"]]])
            _ = try await upsert.execute([second], context: databaseContext(instance))

            let back = try await prepareDatabase([
                "instance": "erp-db", "query": "SELECT id, customer, total, paid, lines FROM orders WHERE id >= 10 ORDER BY id",
            ]).execute([], context: databaseContext(instance))
            #expect(
                try back.outputs[0].json() == [
                    ["id": 10, "customer": "cy", "total": 6.75, "paid": true, "lines": [["sku": "Z"]]],
                    ["id": 11, "customer": "di", "total": 7, "paid": false, "lines": .null],
                ])

            // The second row breaks NOT NULL: neither row may be written.
            let broken = Payload(json: [
                "orders": [
                    ["id": 20, "customer": "ed", "updated_at": "2026-11-23T12:00:00Z"], ["id": 21, "customer": .null, "updated_at": "2026-11-23T12:00:00Z"],
                ]
            ])
            let failure = await #expect(throws: ShapeFailure.self) {
                try await upsert.execute([broken], context: databaseContext(instance))
            }
            #expect(failure?.message.contains("null value in column \"customer\"") == true)
            #expect(try server.psql("SELECT count(*) FROM orders WHERE id >= 20").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    @Test("A wrong password is a permanent failure naming the instance, without the password")
    func wrongPassword() async throws {
        try await withPostgres { server in
            let secret = "not-the-password-\(server.port)"
            let failure = await #expect(throws: ShapeFailure.self) {
                try await prepareDatabase(["instance": "erp-db", "query": "SELECT 1"])
                    .execute([], context: databaseContext(postgresInstance(server, password: secret)))
            }
            #expect(failure?.isTransient == false)
            #expect(failure?.message.contains("instance 'erp-db'") == true)
            #expect(failure?.message.contains("password authentication failed") == true)
            #expect(failure?.message.contains(secret) == false)
            let check = await DatabaseShape().testConnection(instance: postgresInstance(server, password: secret))
            #expect(!check.ok && check.message.contains("instance 'erp-db'") && !check.message.contains(secret))
            let good = await DatabaseShape().testConnection(instance: postgresInstance(server))
            #expect(good.ok, "\(good.message)")
        }
    }

    @Test("An unreachable server is a transient failure naming the instance")
    func unreachable() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let instance = Instance(
            name: "erp-db", connectorType: "database", address: "postgres://postgres@127.0.0.1:\(closed.port)/x",
            timeout: .seconds(5), credentials: ["password": "whatever-secret"])
        let failure = await #expect(throws: ShapeFailure.self) {
            try await prepareDatabase(["instance": "erp-db", "query": "SELECT 1"]).execute([], context: databaseContext(instance))
        }
        #expect(failure?.isTransient == true)
        #expect(failure?.message.contains("instance 'erp-db'") == true)
        #expect(failure?.message.contains("whatever-secret") == false)
    }

    @Test("An SQL error carries the database's own message")
    func sqlError() async throws {
        try await withPostgres { server in
            let recorder = CallRecorder()
            let failure = await #expect(throws: ShapeFailure.self) {
                try await prepareDatabase(["instance": "erp-db", "query": "SELECT * FROM no_such_table"])
                    .execute([], context: databaseContext(postgresInstance(server), recorder: recorder))
            }
            #expect(failure?.isTransient == false)
            #expect(failure?.message.contains("relation \"no_such_table\" does not exist") == true)
            #expect(failure?.message.contains("42P01") == true)
            #expect(recorder.calls.first?["error"] != nil)
        }
    }
}
