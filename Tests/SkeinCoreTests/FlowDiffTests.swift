import SkeinCore
import SkeinJSON
import Testing

/// Versions compared shape by shape across the whole tree.
@Suite struct FlowDiffTests {
    static let old = """
        id: orders
        name: Orders
        shapes:
          - id: each
            split: { path: orders }
          - id: by-country
            route:
              branches:
                - name: uk
                  condition: country = "GB"
                  shapes:
                    - { id: uk-map, map: { fields: { number: id } } }
              otherwise:
                - { id: other-map, map: { fields: { number: id } } }
          - id: gone
            filter: { condition: "paid" }
        """

    @Test func reportsAddedRemovedChangedAndMovedShapesAtEveryLevel() throws {
        let new = """
            id: orders
            name: Orders to the ERP
            shapes:
              - id: by-country
                route:
                  branches:
                    - name: uk
                      condition: country = "GB"
                      shapes:
                        - { id: uk-map, map: { fields: { number: $string(id) } } }
                  otherwise:
                    - { id: other-map, map: { fields: { number: id } } }
                    - { id: added, map: { fields: { x: 1 } } }
              - id: each
                split: { path: orders }
            """
        let diff = try FlowDiff.between(Self.old, new)
        let changes = Dictionary(uniqueKeysWithValues: diff.shapes.map { ($0.id, $0.change) })
        #expect(changes == ["by-country": .changed, "uk-map": .changed, "other-map": .moved, "added": .added, "each": .moved, "gone": .removed])
        #expect(diff.shapes.map(\.id) == ["by-country", "uk-map", "other-map", "added", "each", "gone"])
        let ukMap = try #require(diff.shapes.first { $0.id == "uk-map" })
        #expect(ukMap.from?.path == "shapes[1].route.branches[0].shapes[0]")
        #expect(ukMap.to?.path == "shapes[0].route.branches[0].shapes[0]")
        // A structure's own settings list its children by id.
        let route = try #require(diff.shapes.first { $0.id == "by-country" })
        #expect(route.to?.shape["route"]?["otherwise"] == ["other-map", "added"])
        #expect(diff.keys == [FlowDiff.KeyEntry(key: "name", from: "Orders", to: "Orders to the ERP")])
        #expect(!diff.isEmpty)
    }

    @Test func commentsAndFormattingAloneMakeNoDifference() throws {
        let json = try FlowFile.document(from: Self.old).serialized(.pretty)
        let diff = try FlowDiff.between("# a comment\n" + Self.old, json)
        #expect(diff.isEmpty)
        #expect(diff.shapes.allSatisfy { $0.change == .unchanged })
    }
}
