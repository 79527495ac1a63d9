import Foundation
public import SkeinCore
import SkeinJSON
import SkeinStorage

/// What an install needs beyond the flow store: making and storing instances (connector
/// definitions and the credential key live in the composition root, not in this layer),
/// storing lookups, and a shape catalog that checks flows against instances not created yet.
/// `SkeinEnvironment` implements it; tests pass a memory one.
public protocol BlueprintInstallTarget: Sendable {
    /// The names of the instances that exist.
    func instanceNames() async throws -> Set<String>
    /// The names of the lookup tables that exist.
    func lookupNames() async throws -> Set<String>
    /// The instance a planned entry describes, checked the way `skein instance add` checks one
    /// (unknown connector, settings it lacks, …); throws `OperationError` naming the problem.
    func makeInstance(_ planned: BlueprintInstallPlan.PlannedInstance) throws -> Instance
    /// A catalog that validates flows as if instances `name → connector` already existed.
    func validationCatalog(adding instanceConnectors: [String: String]) async throws -> ShapeCatalog
    /// Seals the instance's credentials and stores it (replacing one of its name).
    func saveInstance(_ instance: Instance) async throws
    /// Stores the table (replacing one of its name).
    func saveLookup(_ table: LookupTable) async throws
}

/// What an install created.
public struct BlueprintInstallReport: Sendable {
    public var blueprint: String
    public var instances: [String]
    public var lookups: [String]
    /// Each flow with the version deployed (unchanged when the same text was deployed already).
    public var flows: [(id: String, version: Int, isNew: Bool)]
    /// Names that existed and were replaced (`--replace`): `instance shop`, `flow x`, …
    public var replaced: [String]
}

/// Blueprints: list them, show one, install one.
///
/// An install checks everything before it writes anything — the settings and credentials given,
/// names already taken (refused unless `replace`), each instance as `skein instance add` would,
/// and each flow as `skein flow deploy` would with the new instances in view — then creates the
/// instances (credentials sealed as usual), the lookups, and deploys the flows. It is recorded in
/// the audit log as `blueprint.install`, and each flow's deploy as `flow.deploy`.
public struct BlueprintOperations: Sendable {
    let catalog: BlueprintCatalog
    let store: any FlowReader & FlowWriter & RunIntake
    let flows: FlowOperations
    let audit: AuditTrail

    public func list(_ caller: Identity?) throws -> [Blueprint] {
        try Permission.read.require(caller)
        return catalog.all
    }

    public func blueprint(_ caller: Identity?, _ name: String) throws -> Blueprint {
        try Permission.read.require(caller)
        guard let blueprint = catalog.blueprint(name) else {
            throw OperationError.notFound("no blueprint named '\(name)' (known: \(catalog.names.joined(separator: ", ")))")
        }
        return blueprint
    }

    /// Installs the blueprint (builder). Refuses with nothing changed when a setting or
    /// credential is missing or unknown, when an instance, lookup or flow of the same name exists
    /// and `request.replace` is false, or when an instance or flow has problems.
    public func install(
        _ caller: Identity?, _ name: String, _ request: BlueprintInstallRequest,
        into target: any BlueprintInstallTarget
    ) async throws -> BlueprintInstallReport {
        let caller = try Permission.build.require(caller)
        let blueprint = try self.blueprint(caller, name)
        let plan: BlueprintInstallPlan
        do { plan = try BlueprintInstallPlan.make(blueprint, request) } catch {
            throw OperationError(.invalidField, "cannot install blueprint \(name): " + error.problems.joined(separator: "; "))
        }
        // Names taken.
        let instanceNames = try await target.instanceNames()
        let lookupNames = try await target.lookupNames()
        var taken: [String] = []
        taken += blueprint.instances.map(\.name).filter(instanceNames.contains).map { "instance \($0)" }
        taken += blueprint.lookups.map(\.name).filter(lookupNames.contains).map { "lookup \($0)" }
        for flow in blueprint.flows where try await store.flow(id: flow.id, version: nil) != nil { taken.append("flow \(flow.id)") }
        if !taken.isEmpty, !request.replace {
            throw OperationError.conflict(
                "cannot install blueprint \(name): \(taken.joined(separator: ", ")) already exist\(taken.count == 1 ? "s" : ""); "
                    + "install with --replace (\"replace\": true in the API) to replace \(taken.count == 1 ? "it" : "them")")
        }
        // Instances, checked as instance add checks them.
        var instances: [Instance] = []
        for planned in plan.instances {
            do { instances.append(try target.makeInstance(planned)) } catch let error as OperationError {
                throw OperationError(error.code, "cannot install blueprint \(name): instance '\(planned.entry.name)': \(error.message)", field: error.field)
            }
        }
        // Flows, checked against the catalog with the new instances in view.
        var connectors: [String: String] = [:]
        for instance in plan.instances { if let connector = instance.entry.connector { connectors[instance.entry.name] = connector } }
        let catalog = try await target.validationCatalog(adding: connectors)
        for flow in blueprint.flows {
            do { _ = try FlowFile.decode(flow.text, source: flow.file, catalog: catalog) } catch {
                throw OperationError.invalidFlow("cannot install blueprint \(name): \(error.description)", problems: error.problems)
            }
        }
        // Write.
        for instance in instances { try await target.saveInstance(instance) }
        for lookup in blueprint.lookups { try await target.saveLookup(lookup.table) }
        var deployed: [(id: String, version: Int, isNew: Bool)] = []
        for flow in blueprint.flows {
            let (stored, isNew) = try await flows.deploy(
                caller, text: flow.text, source: flow.file, catalog: catalog, enabled: false,
                details: ["blueprint": .string(name)])
            deployed.append((stored.flowID, stored.version, isNew))
        }
        try await audit.record(
            caller, "blueprint.install", target: "blueprint:\(name)",
            details: [
                "instances": .array(blueprint.instances.map { .string($0.name) }),
                "lookups": .array(blueprint.lookups.map { .string($0.name) }),
                "flows": .array(blueprint.flows.map { .string($0.id) }),
                "replaced": .array(taken.map(JSON.string)),
            ])
        return BlueprintInstallReport(
            blueprint: name, instances: blueprint.instances.map(\.name), lookups: blueprint.lookups.map(\.name),
            flows: deployed, replaced: taken)
    }
}
