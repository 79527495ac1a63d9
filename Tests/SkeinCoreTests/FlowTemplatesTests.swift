import Foundation
import SkeinCore
import SkeinJSON
import Testing

@Suite struct FlowTemplatesTests {
    @Test func theDemoTemplateIsTheExampleFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/demo/orders-to-erp.yaml")
        #expect(
            FlowTemplates.all.first?.text == (try String(contentsOf: file, encoding: .utf8)),
            "examples/demo/orders-to-erp.yaml changed: copy it into FlowTemplates")
    }

    @Test func aNewFlowFromATemplateChangesOnlyItsIdAndName() throws {
        let template = try #require(FlowTemplates.all.first)
        let text = try FlowTemplates.instantiate(template, id: "my-orders", name: "My orders: paid")
        #expect(
            text
                == template.text.replacingOccurrences(
                    of: "id: orders-to-erp\nname: Paid shop orders to the ERP",
                    with: "id: my-orders\nname: \"My orders: paid\""))
        #expect(try FlowFile.document(from: text)["id"] == "my-orders", "the core catalog lacks http; the document reads")
    }

    @Test func aNewFlowFromNothingGetsItsFirstShapeOnTheCanvas() throws {
        let empty = FlowTemplates.empty(id: "fresh", name: "Fresh", trigger: ["schedule": "*/5 * * * *"])
        #expect(empty == "id: fresh\nname: Fresh\ntrigger: { schedule: \"*/5 * * * *\" }\nshapes: []\n")
        let first = try FlowEditor.apply([.add(shape: ["split": ["path": "orders"]], at: .startOf(LaneReference(structure: nil, lane: "shapes")))], to: empty)
        #expect(first.problems.isEmpty)
        #expect(first.text == "id: fresh\nname: Fresh\ntrigger: { schedule: \"*/5 * * * *\" }\nshapes:\n  - id: split-1\n    split:\n      path: orders\n")
    }
}
