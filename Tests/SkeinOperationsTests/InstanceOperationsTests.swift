import Foundation
import SkeinCore
import SkeinOperations
import SkeinStorage
import SkeinStorageMemory
import Testing

/// Removing an instance through the use case the CLI, the API and the UI share: builders only,
/// refused while a deployed flow's latest version uses it (nested shapes included), audited.
@Suite struct InstanceOperationsTests {
    let store = MemoryStore()
    var instances: InstanceOperations { Operations(store: store).instances }
    static let builder = Identity(username: "bea", role: .builder, method: .session)

    func add(_ name: String) async throws {
        try await store.saveInstance(
            StoredInstance(
                name: name, connectorType: "http", address: "http://127.0.0.1:9", timeZone: "UTC",
                rateLimit: nil, timeoutMilliseconds: 30_000, variables: [:], settings: [:],
                sealedCredentials: [], keyID: "k", updatedAt: Date()))
    }

    /// Stores `text` as the flow's next version. The connector shapes' catalog is not linked
    /// into this target, so the stored definition is a stand-in with the same id; the rule
    /// reads the version's source text, which is what is checked here.
    func deploy(_ text: String) async throws {
        let standIn = try FlowFile.decode("id: orders\nshapes:\n  - id: a\n    payload: { json: {} }\n")
        _ = try await store.deploy(standIn, source: text, now: Date())
    }

    @Test func anInstanceAFlowUsesIsKeptUntilTheFlowStopsUsingIt() async throws {
        try await add("shop")
        try await add("spare")
        let nested = """
            id: orders
            shapes:
              - id: each
                route:
                  branches:
                    - name: all
                      condition: 'true'
                      shapes:
                        - id: fetch
                          http: { instance: shop, direction: receive, method: GET, path: /orders }
            """
        try await deploy(nested)
        #expect(try await instances.flowsUsing("shop") == ["orders"])
        #expect(try await instances.flowsUsing("spare") == [])

        await #expect(throws: OperationError.self) { try await instances.delete(Self.builder, name: "shop") }
        await #expect(throws: OperationError.self) { try await instances.delete(Identity(username: "vic", role: .viewer, method: .session), name: "spare") }
        try await instances.delete(Self.builder, name: "spare")

        try await deploy(nested.replacingOccurrences(of: "instance: shop", with: "instance: other"))
        try await instances.delete(Self.builder, name: "shop")
        #expect(try await store.storedInstances().isEmpty)
        await #expect(throws: OperationError.self) { try await instances.delete(Self.builder, name: "shop") }
    }
}
