import SkeinCore
import SkeinJSON
import Testing

@Suite struct FlowSkipEditTests {
    static let yaml = """
        # comments do not survive the edit
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
        #expect(edited.contains("\"id\": \"first\",\n      \"skip\": true"), "skip sits next to the id")
    }

    @Test func unskippingRemovesTheKeyAndUnknownShapesAreNamed() throws {
        let skipped = try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "second")
        #expect(try FlowFile.decode(skipped).shapes[1].skip)
        let unskipped = try FlowSkipEdit.source(skipped, settingSkip: false, onShape: "second")
        #expect(try FlowFile.decode(unskipped).shapes.map(\.skip) == [false, false])
        #expect(!unskipped.contains("skip"))
        #expect(throws: FlowValidationError.self) { try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "third") }
        do { _ = try FlowSkipEdit.source(Self.yaml, settingSkip: true, onShape: "third") } catch {
            #expect("\(error)".contains("no shape 'third'"))
        }
    }
}
