import Foundation
import SkeinCore
import SkeinOperations
import Testing

@Suite struct BlueprintCatalogTests {
    /// A user's blueprints directory: a good blueprint, and one whose flow is a link pointing
    /// out of the directory, which is not followed.
    @Test func readsTheUsersBlueprintsAndFollowsNoLinkOutOfTheDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-blueprints-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outside = directory.appendingPathComponent("outside")
        let inside = directory.appendingPathComponent("blueprints")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: inside.appendingPathComponent("acme"), withIntermediateDirectories: true)
        try "id: secret-flow\nshapes:\n  - { id: p, payload: { json: {} } }\n".write(
            to: outside.appendingPathComponent("flow.yaml"), atomically: true, encoding: .utf8)
        try "id: acme-orders\nshapes:\n  - { id: p, payload: { json: {} } }\n"
            .write(to: inside.appendingPathComponent("acme/acme-orders.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            at: inside.appendingPathComponent("acme/escape.yaml"), withDestinationURL: outside.appendingPathComponent("flow.yaml"))
        let manifest = { (name: String, flow: String) in
            "blueprint: \(name)\ntitle: T\ninstances:\n  acme: { type: http, address: \"https://acme.example\" }\nflows: [\(flow)]\n"
        }
        try manifest("acme", "acme/acme-orders.yaml").write(to: inside.appendingPathComponent("acme.yaml"), atomically: true, encoding: .utf8)
        try manifest("sneaky", "acme/escape.yaml").write(to: inside.appendingPathComponent("sneaky.yaml"), atomically: true, encoding: .utf8)

        let catalog = BlueprintCatalog.load(directory: inside.path)
        #expect(catalog.blueprint("acme")?.flows.map(\.id) == ["acme-orders"])
        #expect(catalog.blueprint("shopify-to-wms") != nil)  // the shipped ones too
        #expect(catalog.blueprint("sneaky") == nil)
        #expect(catalog.errors.map(\.description) == ["\(inside.path)/sneaky.yaml: flows[0]: 'acme/escape.yaml': no such file"])
    }
}
