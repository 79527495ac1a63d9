import Logging
import SkeinCore
import SkeinInstrumentation
import SkeinJSON

/// Runs one `database:` step on one connection opened for the step.
///
/// - `query`: runs once per input payload (or once when the step has no input), each run's
///   rows becoming one JSON payload: an array of objects.
/// - `insert`: gathers the rows of every input payload and writes them all in one
///   transaction, then passes the input payloads on unchanged.
struct DatabaseExecutor: ShapeExecutor {
    let settings: DatabaseShapeSettings
    let logger: Logger

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let instance = try await context.instances.instance(named: settings.instance)
        guard instance.connectorType == "database" else {
            throw ShapeFailure("instance '\(instance.name)' is a '\(instance.connectorType)' instance; the database shape needs one of type database")
        }
        let backend = try await DatabaseConnector.open(instance, logger: logger)
        do {
            let result: ShapeResult
            switch settings.operation {
            case .query(let sql, let parameters):
                result = try await query(sql, parameters, input: input, backend: backend, instance: instance, context: context)
            case .insert(let insert):
                result = try await self.insert(insert, input: input, backend: backend, instance: instance, context: context)
            }
            await backend.close()
            return result
        } catch {
            await backend.close()
            throw error
        }
    }

    private func query(
        _ sql: String, _ parameters: [Parameter], input: [Payload], backend: any DatabaseBackend,
        instance: Instance, context: ShapeContext
    ) async throws -> ShapeResult {
        let documents: [JSON?] = try input.isEmpty ? [nil] : input.map { try $0.json() }
        var outputs: [Payload] = []
        for document in documents {
            let values = try parameters.enumerated().map { (offset, parameter) throws(ShapeFailure) in
                try parameter.value(input: document, variables: context.variables, lookups: context.lookups, position: offset + 1)
            }
            let rows = try await recorded("query", instance: instance, context: context, extra: ["sql": .string(sql)]) {
                let rows = try await backend.query(sql, parameters: values)
                return (rows, rows.count)
            }
            outputs.append(Payload(json: .array(rows)))
        }
        return ShapeResult(outputs: outputs)
    }

    private func insert(
        _ insert: DatabaseShapeSettings.InsertSettings, input: [Payload], backend: any DatabaseBackend,
        instance: Instance, context: ShapeContext
    ) async throws -> ShapeResult {
        var rows: [JSON.Object] = []
        for (offset, payload) in input.enumerated() {
            let where_ = "payload \(offset + 1)"
            let document: JSON
            do { document = try payload.json() } catch {
                throw ShapeFailure("instance '\(instance.name)': insert into \(insert.table): \(where_): \(error)")
            }
            let value: JSON?
            do { value = try insert.rows.evaluate(input: document, functions: context.lookups.functions) } catch {
                throw ShapeFailure("instance '\(instance.name)': insert into \(insert.table): \(where_): rows '\(insert.rows.source)' failed: \(error)")
            }
            let list: [JSON]
            switch value {
            case .array(let elements)?: list = elements
            case .object?: list = [value!]
            case nil: list = []
            case let other?:
                throw ShapeFailure(
                    "instance '\(instance.name)': insert into \(insert.table): \(where_): rows '\(insert.rows.source)' gave \(other.typeName), expected a list of objects"
                )
            }
            for (index, element) in list.enumerated() {
                guard case .object(let row) = element, !row.isEmpty else {
                    throw ShapeFailure(
                        "instance '\(instance.name)': insert into \(insert.table): \(where_), row \(index + 1) is \(element.typeName), expected an object of column values"
                    )
                }
                for column in insert.upsertOn where row[column] == nil {
                    throw ShapeFailure(
                        "instance '\(instance.name)': insert into \(insert.table): \(where_), row \(index + 1) has no '\(column)', which upsert_on needs")
                }
                rows.append(row)
            }
        }
        let operation = insert.upsertOn.isEmpty ? "insert" : "upsert"
        _ = try await recorded(operation, instance: instance, context: context, extra: ["table": .string(insert.table.description)]) {
            let count = rows.isEmpty ? 0 : try await backend.insert(into: insert.table, rows: rows, upsertOn: insert.upsertOn)
            return (count, count)
        }
        return ShapeResult(outputs: input)
    }

    /// Records `{"operation", "instance", "sql" | "table", "rows", "duration_ms", "error"?}` on the step.
    private func recorded<Result: Sendable>(
        _ operation: String, instance: Instance, context: ShapeContext, extra: JSON.Object,
        _ body: () async throws -> (Result, Int)
    ) async throws -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        var entry: JSON.Object = ["operation": .string(operation), "instance": .string(instance.name)]
        for (key, value) in extra { entry[key] = value }
        func milliseconds() -> Double {
            let (seconds, attoseconds) = (clock.now - started).components
            return Double(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        }
        let system = instance.address.hasPrefix("postgres") ? "postgresql" : "sqlite"
        return try await ConnectorCall.measure(
            "db \(operation)", connector: "database", instance: instance.name,
            end: { (result: Swift.Result<Result, any Error>) in
                guard case .failure(let error) = result else { return ConnectorCall.Ending(.success) }
                let message = (error as? ShapeFailure)?.message ?? "\(error)"
                return ConnectorCall.Ending(message.contains("timed out") ? .timeout : .error, message: message)
            }
        ) { span in
            span.attributes["db.system.name"] = system
            span.attributes["db.operation.name"] = operation
            if case .string(let sql)? = extra["sql"] { span.attributes["db.query.text"] = sql }
            if case .string(let table)? = extra["table"] { span.attributes["db.collection.name"] = table }
            do {
                let (result, count) = try await body()
                entry["rows"] = .number(Double(count))
                entry["duration_ms"] = .number(milliseconds())
                context.recorder.record(.object(entry))
                return result
            } catch {
                let failure = DatabaseFailures.failure(error, instance: instance, doing: operation)
                entry["duration_ms"] = .number(milliseconds())
                entry["error"] = .string(failure.message)
                context.recorder.record(.object(entry))
                throw failure
            }
        }
    }
}

/// Opens the right backend for an instance's address.
enum DatabaseConnector {
    static func open(_ instance: Instance, logger: Logger) async throws(ShapeFailure) -> any DatabaseBackend {
        switch try DatabaseAddress.parse(instance.address, instance: instance.name) {
        case .sqlite(let path):
            return try SQLiteBackend.open(path: path, instance: instance)
        case .postgres(let host, let port, let user, let database):
            do {
                return try await PostgresBackend.connect(
                    host: host, port: port, user: user, database: database,
                    password: instance.credentials["password"],
                    timeout: instance.timeout, logger: logger)
            } catch {
                throw DatabaseFailures.failure(error, instance: instance, doing: "connect to \(database) as \(user)")
            }
        }
    }
}
