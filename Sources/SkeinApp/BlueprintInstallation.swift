public import Foundation
public import SkeinCore
public import SkeinOperations
import SkeinConnectorsHTTP
import SkeinEngine
import SkeinJSON

extension SkeinEnvironment {
    /// Where `skein blueprint install` creates things: this environment's store, connector
    /// definitions and credential key.
    public var blueprintTarget: any BlueprintInstallTarget { EnvironmentBlueprintTarget(environment: self) }

    /// The user's blueprints directory: `SKEIN_BLUEPRINTS_DIR`, or `DATA_DIR/blueprints`.
    static func blueprintsDirectory(dataDirectory: URL, environment: [String: String]) -> String {
        environment["SKEIN_BLUEPRINTS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? dataDirectory.appendingPathComponent("blueprints").path
    }
}

/// Makes a blueprint's instances the way `skein instance add` does — a connector instance takes
/// its definition's address and is checked against its settings and credentials — and stores
/// them sealed; stores its lookups.
struct EnvironmentBlueprintTarget: BlueprintInstallTarget {
    let environment: SkeinEnvironment

    func instanceNames() async throws -> Set<String> { Set(try await environment.store.storedInstances().map(\.name)) }

    func lookupNames() async throws -> Set<String> { Set(try await environment.store.lookups().map(\.name)) }

    func makeInstance(_ planned: BlueprintInstallPlan.PlannedInstance) throws -> Instance {
        let entry = planned.entry
        var settings = planned.settings
        var address = planned.address
        if let connector = entry.connector {
            guard let definition = environment.connectors.definition(connector) else {
                throw OperationError.invalid("connector", "no connector '\(connector)' (known: \(environment.connectors.names.joined(separator: ", ")))")
            }
            var values: [String: String] = [:]
            for (key, value) in settings.objectValue ?? [:] { values[key] = value.stringValue }
            let problems = definition.instanceProblems(settings: values, credentials: Set(planned.credentials.keys))
            guard problems.isEmpty else { throw OperationError.invalid("settings", "connector \(connector): " + problems.joined(separator: "; ")) }
            var object = JSON.Object()
            object["connector"] = .string(connector)
            for key in values.keys.sorted() { object[key] = .string(values[key] ?? "") }
            settings = .object(object)
            if address == nil {
                do { address = try definition.address(settings: values) } catch { throw OperationError.invalid("address", "\(error)") }
            }
        }
        guard let address else { throw OperationError.invalid("address", "the instance has no address") }
        let instance = Instance(name: entry.name, connectorType: entry.type, address: address, settings: settings, credentials: planned.credentials)
        do { try InstanceRules.check(instance) } catch { throw OperationError.invalid(error.field, error.message) }
        return instance
    }

    func validationCatalog(adding instanceConnectors: [String: String]) async throws -> ShapeCatalog {
        try await environment.validationCatalog(adding: instanceConnectors)
    }

    func saveInstance(_ instance: Instance) async throws {
        try await environment.store.saveInstance(try environment.instances.seal(instance, now: Date()))
    }

    func saveLookup(_ table: LookupTable) async throws {
        try await environment.store.saveLookup(table, updatedAt: Date())
    }
}
