import Foundation
import Logging
import SkeinApp
import SkeinCore
import SkeinOperations
import Testing

@Suite struct ShippedBlueprintTests {
    /// Every shipped blueprint reads without a problem, and its flows pass `skein flow deploy`'s
    /// checks with its instances' connectors in view (endpoints and parameters included) — what
    /// an install checks before it writes anything.
    @Test func everyShippedBlueprintReadsAndItsFlowsValidate() async throws {
        try await withDataDirectory { directory in
            let environment = try SkeinEnvironment(dataDirectory: directory, environment: [:], logger: Logger(label: "test"))
            #expect(environment.blueprints.errors.isEmpty, "\(environment.blueprints.errors)")
            #expect(environment.blueprints.names == ["shopify-to-wms", "wms-stock-to-shopify"])
            for blueprint in environment.blueprints.all {
                var connectors: [String: String] = [:]
                for instance in blueprint.instances { if let connector = instance.connector { connectors[instance.name] = connector } }
                let catalog = try await environment.validationCatalog(adding: connectors)
                for flow in blueprint.flows {
                    _ = try FlowFile.decode(flow.text, source: flow.file, catalog: catalog)
                }
                for credential in blueprint.credentials { #expect(!credential.help.isEmpty) }
            }
        }
    }
}
