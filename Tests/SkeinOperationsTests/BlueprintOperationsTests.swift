import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorageMemory
import Testing

/// Where a test install puts things: instances and lookups in memory, flows in the MemoryStore.
final class MemoryBlueprintTarget: BlueprintInstallTarget, @unchecked Sendable {
    private let lock = NSLock()
    private var _instances: [String: Instance] = [:]
    private var _lookups: [String: LookupTable] = [:]

    var instances: [String: Instance] { lock.withLock { _instances } }
    var lookups: [String: LookupTable] { lock.withLock { _lookups } }

    func instanceNames() async throws -> Set<String> { Set(instances.keys) }
    func lookupNames() async throws -> Set<String> { Set(lookups.keys) }
    func makeInstance(_ planned: BlueprintInstallPlan.PlannedInstance) throws -> Instance {
        guard let address = planned.address else { throw OperationError.invalid("address", "the instance has no address") }
        return Instance(
            name: planned.entry.name, connectorType: planned.entry.type, address: address, settings: planned.settings,
            credentials: planned.credentials)
    }
    func validationCatalog(adding instanceConnectors: [String: String]) async throws -> ShapeCatalog { ShapeCatalog() }
    func saveInstance(_ instance: Instance) async throws { lock.withLock { _instances[instance.name] = instance } }
    func saveLookup(_ table: LookupTable) async throws { lock.withLock { _lookups[table.name] = table } }
}

/// A small blueprint: one http instance, one lookup, one flow.
enum AcmeBlueprint {
    static let manifest = """
        blueprint: acme-to-wms
        title: ACME orders to a WMS
        settings:
          host: { required: true, help: The ACME host. }
          region: { default: eu, help: The region. }
        credentials:
          acme_token: { help: An ACME API token. }
        instances:
          acme:
            type: http
            address: "https://{{host}}/{{region}}/api"
            settings: { auth: bearer }
            credentials: { token: acme_token }
        lookups:
          carriers: { csv: acme/carriers.csv, default: STD }
        flows: [acme/orders.yaml]
        """

    static let files: [String: String] = [
        "acme/carriers.csv": "left,right\nexpress,DHL\n",
        "acme/orders.yaml": "id: acme-orders\nshapes:\n  - { id: p, payload: { json: {} } }\n",
    ]
}

@Suite struct BlueprintOperationsTests {
    let store = MemoryStore()
    let target = MemoryBlueprintTarget()
    let operations: Operations
    let request = BlueprintInstallRequest(settings: ["host": "acme.example"], credentials: ["acme_token": "s3cret"])

    init() throws {
        var catalog = BlueprintCatalog()
        catalog.add(text: AcmeBlueprint.manifest, source: "acme-to-wms.yaml") { AcmeBlueprint.files[$0].map { Array($0.utf8) } }
        operations = Operations(store: store, blueprints: catalog)
    }

    @Test func anInstallCreatesTheInstancesLookupsAndFlowsDisabled() async throws {
        let report = try await operations.blueprints.install(.localOperator, "acme-to-wms", request, into: target)
        #expect(report.instances == ["acme"])
        #expect(report.flows.map(\.id) == ["acme-orders"])
        #expect(target.instances["acme"]?.address == "https://acme.example/eu/api")
        #expect(target.instances["acme"]?.credentials == ["token": "s3cret"])
        #expect(target.lookups["carriers"]?.rows == [LookupRow(left: "express", right: "DHL")])
        let flow = try #require(try await store.flow(id: "acme-orders", version: nil))
        #expect(flow.enabled == false)
        let audit = try await store.auditEntries(AuditQuery(action: "blueprint.install"))
        #expect(audit.map(\.target) == ["blueprint:acme-to-wms"])
    }

    @Test func namesTakenRefuseTheInstallWithNothingChangedUnlessReplace() async throws {
        try await target.saveLookup(LookupTable(name: "carriers", rows: [LookupRow(left: "mine", right: "KEEP")]))
        await #expect(
            throws: OperationError.conflict(
                "cannot install blueprint acme-to-wms: lookup carriers already exists; install with --replace (\"replace\": true in the API) to replace it")
        ) {
            _ = try await operations.blueprints.install(.localOperator, "acme-to-wms", request, into: target)
        }
        #expect(target.instances.isEmpty)
        #expect(try await store.flow(id: "acme-orders", version: nil) == nil)
        var replacing = request
        replacing.replace = true
        let report = try await operations.blueprints.install(.localOperator, "acme-to-wms", replacing, into: target)
        #expect(report.replaced == ["lookup carriers"])
        #expect(target.lookups["carriers"]?.rows == [LookupRow(left: "express", right: "DHL")])
    }

    @Test func aMissingCredentialIsNamedAndAViewerMayOnlyLook() async throws {
        await #expect(
            throws: OperationError(
                .invalidField,
                "cannot install blueprint acme-to-wms: missing --credential-env acme_token=VARIABLE (An ACME API token.)")
        ) {
            _ = try await operations.blueprints.install(.localOperator, "acme-to-wms", BlueprintInstallRequest(settings: ["host": "h"]), into: target)
        }
        let viewer = Identity(username: "vera", role: .viewer, method: .session)
        #expect(try operations.blueprints.list(viewer).map(\.name) == ["acme-to-wms"])
        await #expect(throws: OperationError.self) {
            _ = try await operations.blueprints.install(viewer, "acme-to-wms", request, into: target)
        }
        #expect(target.instances.isEmpty)
    }
}
