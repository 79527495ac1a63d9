import Foundation
import SkeinConnectorsHTTP
import SkeinCore
import SkeinEngine
public import SkeinJSON
public import SkeinOperations

/// Why a connector instance cannot be made: what `connectorInstance` found, for each front end to word.
public enum ConnectorInstanceProblem: Error, Sendable {
    /// No connector of that name; the names known.
    case noSuchConnector(known: [String])
    /// Settings or credentials the definition lacks or does not know, one sentence each.
    case problems([String])
    /// The address template could not be filled.
    case address(String)
}

extension SkeinEnvironment {
    /// The settings (`connector: NAME` and the given settings, as text) and address (the given
    /// one, or the definition's template filled in) of an instance of connector `connector`,
    /// checked against its definition: what `skein instance add --connector` and a blueprint
    /// install both store.
    public func connectorInstance(
        _ connector: String, settings: [(String, String)], credentials: Set<String>,
        address: String?
    ) throws(ConnectorInstanceProblem) -> (settings: JSON, address: String) {
        guard let definition = connectors.definition(connector) else { throw .noSuchConnector(known: connectors.names) }
        let values = Dictionary(settings, uniquingKeysWith: { _, last in last })
        let problems = definition.instanceProblems(settings: values, credentials: credentials)
        guard problems.isEmpty else { throw .problems(problems) }
        var object = JSON.Object()
        object["connector"] = .string(connector)
        for (key, value) in settings { object[key] = .string(value) }
        if let address { return (.object(object), address) }
        do { return (.object(object), try definition.address(settings: values)) } catch { throw .address("\(error)") }
    }

    /// Where `skein blueprint install` creates things: this environment's store, connector
    /// definitions and credential key.
    public var blueprintTarget: any BlueprintInstallTarget { EnvironmentBlueprintTarget(environment: self) }
}

/// Makes a blueprint's instances the way `skein instance add` does (`connectorInstance`: a
/// connector instance takes its definition's address and is checked against its settings and
/// credentials; `InstanceRules` for every instance) and stores them sealed; stores its lookups.
struct EnvironmentBlueprintTarget: BlueprintInstallTarget {
    let environment: SkeinEnvironment

    func instanceNames() async throws -> Set<String> { Set(try await environment.store.storedInstances().map(\.name)) }

    func lookupNames() async throws -> Set<String> { Set(try await environment.store.lookups().map(\.name)) }

    func makeInstance(_ planned: BlueprintInstallPlan.PlannedInstance) throws -> Instance {
        let entry = planned.entry
        var settings = planned.settings
        var address = planned.address
        if let connector = entry.connector {
            let values = (settings.objectValue ?? [:]).compactMap { key, value in value.stringValue.map { (key, $0) } }
            do {
                let made = try environment.connectorInstance(connector, settings: values, credentials: Set(planned.credentials.keys), address: address)
                settings = made.settings
                address = made.address
            } catch {
                switch error {
                case .noSuchConnector(let known):
                    throw OperationError.invalid("connector", "no connector '\(connector)' (known: \(known.joined(separator: ", ")))")
                case .problems(let problems): throw OperationError.invalid("settings", "connector \(connector): " + problems.joined(separator: "; "))
                case .address(let message): throw OperationError.invalid("address", message)
                }
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
