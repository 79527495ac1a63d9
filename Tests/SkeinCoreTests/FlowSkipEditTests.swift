import SkeinCore
import SkeinJSON
import Testing

@Suite struct FlowSkipEditTests {
    static let yaml = """
        # comments survive the edit
        id: orders
        name: Orders
        shapes:
          - id: first
            payload: { json: { a: 1 } }
          - id: second
            skip: false
            split: { path: a }
        """

    @Test func skippingAShapeChangesOnlyThatShape() throws {
        let edited = try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "first")
        let before = try FlowFile.decode(Self.yaml)
        let after = try FlowFile.decode(edited)
        #expect(after.shapes.map(\.skip) == [true, false])
        var expected = before
        expected.shapes[0].skip = true
        #expect(after == expected, "nothing else changes")
        #expect(
            edited == Self.yaml.replacingOccurrences(of: "  - id: first\n", with: "  - id: first\n    skip: true\n"),
            "only `skip: true` is added, next to the id; the comment and everything else stay")
    }

    @Test func unskippingSetsTheValueInPlaceAndUnknownShapesAreNamed() throws {
        let skipped = try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "second")
        #expect(try FlowFile.decode(skipped).shapes[1].skip)
        #expect(skipped == Self.yaml.replacingOccurrences(of: "skip: false", with: "skip: true"))
        let unskipped = try FlowSkipEdit.source(skipped, settingSkip: false, onShape: "second")
        #expect(try FlowFile.decode(unskipped).shapes.map(\.skip) == [false, false])
        #expect(unskipped == Self.yaml)
        #expect(try FlowSkipEdit.source(Self.yaml, settingSkip: false, onShape: "first") == Self.yaml, "nothing to turn off")
        #expect(throws: FlowValidationError.self) { try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "third") }
        do { _ = try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "third") } catch {
            #expect("\(error)".contains("no shape 'third'"))
        }
    }

    /// A commented YAML flow keeps every comment through skip toggles anywhere in the tree,
    /// in block and `{ … }` entries, with quoted ids and a shape whose data holds look-alike ids.
    @Test func commentsSurviveSkipTogglesAnywhereInTheTree() throws {
        let text = """
            # Orders by country.
            id: orders   # stable id
            shapes:
              - id: seed
                payload: { json: [ { id: uk-map }, { id: "other" } ] }  # data, not shapes
              - id: by-country
                route:
                  branches:
                    - name: uk
                      condition: country = "GB"
                      shapes:
                        # the UK format
                        - { id: 'uk-map', map: { fields: { number: id } } }   # keep me
                  otherwise:
                    - id: "other"   # quoted id
                      map:
                        fields: { number: id }
            """
        let uk = try FlowSkipEdit.source(text, settingSkip: true, onShape: "uk-map")
        #expect(uk == text.replacingOccurrences(of: "{ id: 'uk-map', map:", with: "{ id: 'uk-map', skip: true, map:"))
        let other = try FlowSkipEdit.source(uk, settingSkip: true, onShape: "other")
        #expect(other == uk.replacingOccurrences(of: "  - id: \"other\"   # quoted id\n", with: "  - id: \"other\"   # quoted id\n          skip: true\n"))
        let flow = try FlowFile.decode(other)
        #expect(flow.allShapes.filter(\.skip).map(\.id) == ["uk-map", "other"])
        let back = try FlowSkipEdit.source(try FlowSkipEdit.source(other, settingSkip: false, onShape: "uk-map"), settingSkip: false, onShape: "other")
        #expect(try FlowFile.decode(back).allShapes.filter(\.skip).isEmpty)
        #expect(back.components(separatedBy: "#").count == text.components(separatedBy: "#").count, "every comment is still there")
    }

    @Test func aJSONFlowStaysJSON() throws {
        let json = #"{"id": "orders", "shapes": [{"id": "a", "split": {"path": "x"}}]}"#
        let edited = try FlowSkipEdit.source(json, settingSkip: true, onShape: "a")
        #expect(edited.hasPrefix("{"))
        #expect(try FlowFile.decode(edited).shapes[0].skip)
    }
}
