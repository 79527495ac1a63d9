import Logging
import NIOCore
import PostgresNIO
import SkeinCore
import SkeinJSON

/// One PostgresNIO connection for one step (no pool: a step is short, and a connection that
/// lives only as long as the step cannot leak a half-finished transaction into the next).
struct PostgresBackend: DatabaseBackend {
    let connection: PostgresConnection
    let logger: Logger

    static func connect(
        host: String, port: Int, user: String, database: String, password: String?,
        timeout: Duration, logger: Logger
    ) async throws -> PostgresBackend {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password,
            database: database, tls: .disable)
        let seconds = max(1, timeout.components.seconds)
        configuration.options.connectTimeout = .seconds(seconds)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        return PostgresBackend(connection: connection, logger: logger)
    }

    func query(_ sql: String, parameters: [JSON]) async throws -> [JSON] {
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters { PostgresBackend.bind(parameter, into: &bindings) }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var result: [JSON] = []
        for try await row in rows {
            var object: JSON.Object = [:]
            for cell in row { object[cell.columnName] = try PostgresValues.json(cell) }
            result.append(.object(object))
        }
        return result
    }

    func insert(into table: QualifiedName, rows: [JSON.Object], upsertOn: [String]) async throws -> Int {
        try await connection.query("BEGIN", logger: logger)
        do {
            for row in rows {
                let columns = Array(row.keys)
                let sql = InsertSQL.statement(table: table, columns: columns, upsertOn: upsertOn) { "$\($0)" }
                var bindings = PostgresBindings(capacity: columns.count)
                for column in columns { PostgresBackend.bind(row[column]!, into: &bindings) }
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            return rows.count
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    func close() async { try? await connection.close() }

    /// Every value goes as text of unspecified type, so PostgreSQL reads it as the type the
    /// statement needs there (`updated_at > $1` reads a timestamp, `id = $1` an integer,
    /// a jsonb column JSON text). JSON null is SQL NULL.
    static func bind(_ value: JSON, into bindings: inout PostgresBindings) {
        switch value {
        case .null: bindings.appendNull()
        case .string(let string): bindings.append(UntypedText(text: string))
        default: bindings.append(UntypedText(text: value.serialized()))
        }
    }
}

/// A parameter in text format with type OID 0 ("unspecified"): the server infers its type.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}
