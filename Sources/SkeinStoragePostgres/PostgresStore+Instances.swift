import Foundation
import NIOCore
import PostgresNIO
import SkeinCore
import SkeinJSON
import SkeinStorage

extension PostgresStore: InstanceStore {
    public func saveInstance(_ instance: StoredInstance) async throws {
        let logger = logger
        try await connection { connection in try await PostgresStore.upsert(instance, connection, logger: logger) }
    }

    public func resealInstances(_ reseal: @escaping @Sendable (StoredInstance) throws -> StoredInstance) async throws -> Int {
        let logger = logger
        return try await transaction { connection in
            let instances = try await connection.rows("SELECT * FROM instances ORDER BY name FOR UPDATE", logger: logger).map(PostgresStore.instance)
            for instance in instances { try await PostgresStore.upsert(try reseal(instance), connection, logger: logger) }
            return instances.count
        }
    }

    static func upsert(_ instance: StoredInstance, _ connection: PostgresConnection, logger: Logger) async throws {
        let variables = JSON.object(.init(uniqueKeysWithValues: instance.variables.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        try await connection.run(
            """
            INSERT INTO instances (name, connector_type, address, time_zone, rate_limit, timeout_ms, variables, settings,
                                   sealed_credentials, key_id, updated_at)
            VALUES (\(instance.name), \(instance.connectorType), \(instance.address), \(instance.timeZone), \(instance.rateLimit),
                    \(instance.timeoutMilliseconds), \(variables.serialized()), \(instance.settings.serialized()),
                    \(ByteBuffer(bytes: instance.sealedCredentials)), \(instance.keyID), \(instance.updatedAt.pgValue))
            ON CONFLICT (name) DO UPDATE SET connector_type = excluded.connector_type, address = excluded.address,
                time_zone = excluded.time_zone, rate_limit = excluded.rate_limit, timeout_ms = excluded.timeout_ms,
                variables = excluded.variables, settings = excluded.settings, sealed_credentials = excluded.sealed_credentials,
                key_id = excluded.key_id, updated_at = excluded.updated_at
            """, logger: logger)
    }

    public func storedInstance(named name: String) async throws -> StoredInstance? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM instances WHERE name = \(name)", logger: logger).first.map(PostgresStore.instance)
        }
    }

    public func storedInstances() async throws -> [StoredInstance] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM instances ORDER BY name", logger: logger).map(PostgresStore.instance)
        }
    }

    public func deleteInstance(named name: String) async throws -> Bool {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("DELETE FROM instances WHERE name = \(name) RETURNING 1", logger: logger).count == 1
        }
    }

    static func instance(_ row: PGRow) throws -> StoredInstance {
        var variables: [String: String] = [:]
        for (key, value) in decodeJSONText(try row["variables"])?.objectValue ?? [:] { variables[key] = value.stringValue }
        return StoredInstance(
            name: try row["name"], connectorType: try row["connector_type"], address: try row["address"], timeZone: try row["time_zone"],
            rateLimit: try row.optional("rate_limit"), timeoutMilliseconds: try row["timeout_ms"], variables: variables,
            settings: decodeJSONText(try row["settings"]) ?? [:], sealedCredentials: try row.bytes("sealed_credentials"),
            keyID: try row["key_id"], updatedAt: try row.date("updated_at"))
    }
}
