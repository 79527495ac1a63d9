import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

extension SQLiteStore: InstanceStore {
    public func saveInstance(_ instance: StoredInstance) async throws {
        try await write { db in try SQLiteStore.insertOrReplace(instance, in: db) }
    }

    public func resealInstances(_ reseal: @escaping @Sendable (StoredInstance) throws -> StoredInstance) async throws -> Int {
        try await write { db -> Int in
            let instances = try Row.fetchAll(db, sql: "SELECT * FROM instances ORDER BY name").map(SQLiteStore.instance)
            for instance in instances { try SQLiteStore.insertOrReplace(try reseal(instance), in: db) }
            return instances.count
        }
    }

    static func insertOrReplace(_ instance: StoredInstance, in db: Database) throws {
        let variables = JSON.object(.init(uniqueKeysWithValues: instance.variables.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO instances (name, connector_type, address, time_zone, rate_limit, timeout_ms, variables, settings,
                                                  sealed_credentials, key_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                instance.name, instance.connectorType, instance.address, instance.timeZone, instance.rateLimit,
                instance.timeoutMilliseconds, variables.serialized(), instance.settings.serialized(),
                Data(instance.sealedCredentials), instance.keyID, instance.updatedAt.storageValue,
            ])
    }

    public func storedInstance(named name: String) async throws -> StoredInstance? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM instances WHERE name = ?", arguments: [name]).map(SQLiteStore.instance) }
    }

    public func storedInstances() async throws -> [StoredInstance] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM instances ORDER BY name").map(SQLiteStore.instance) }
    }

    public func deleteInstance(named name: String) async throws -> Bool {
        try await write { db -> Bool in
            try db.execute(sql: "DELETE FROM instances WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }

    static func instance(_ row: Row) -> StoredInstance {
        var variables: [String: String] = [:]
        for (key, value) in decodeJSON(row["variables"])?.objectValue ?? [:] { variables[key] = value.stringValue }
        let sealed: Data = row["sealed_credentials"]
        return StoredInstance(
            name: row["name"], connectorType: row["connector_type"], address: row["address"], timeZone: row["time_zone"],
            rateLimit: row["rate_limit"], timeoutMilliseconds: row["timeout_ms"], variables: variables,
            settings: decodeJSON(row["settings"]) ?? [:], sealedCredentials: [UInt8](sealed), keyID: row["key_id"],
            updatedAt: row.date("updated_at") ?? Date(timeIntervalSince1970: 0))
    }
}
