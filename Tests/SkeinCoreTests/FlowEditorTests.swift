import SkeinCore
import SkeinJSON
import Testing

/// Canvas edits on a commented YAML flow (only the text the edit is about changes) and on a JSON
/// flow (written again), and edits that are refused with located problems.
@Suite struct FlowEditorTests {
    static let yaml = """
        # The orders flow.
        id: orders   # stable id
        trigger: manual
        shapes:
          # fetch first
          - id: seed
            payload: { json: [ { id: 1, country: GB } ] }
          - id: by-country
            route:
              branches:
                - name: uk
                  condition: country = "GB"
                  shapes:
                    # the UK format
                    - id: uk-map
                      map:
                        fields:
                          number: id   # keep me
          - id: to-format
            map:
              fields:
                order_number: id
                total: total_price
        # the end

        """

    static func apply(_ edits: [FlowEdit], to text: String = yaml) throws(FlowValidationError) -> FlowEditor.Result {
        try FlowEditor.apply(edits, to: text)
    }

    /// Every comment line of the original is still in the text.
    static func keepsComments(_ text: String, from original: String = yaml) -> Bool {
        original.split(separator: "\n").filter { $0.contains("#") }.allSatisfy { line in
            text.contains(line.drop { $0 != "#" })
        }
    }

    @Test func settingAScalarChangesOnlyThatValue() throws {
        let result = try Self.apply([.set(shape: "uk-map", field: [.key("map"), .key("fields"), .key("number")], value: "order_id")])
        #expect(result.text == Self.yaml.replacingOccurrences(of: "number: id   # keep me", with: "number: order_id   # keep me"))
        #expect(result.problems.isEmpty)
    }

    @Test func settingAMappingRewritesItsBlockInPlace() throws {
        let fields: JSON = ["order_number": "id", "reference": "name", "customer.email": "customer.email"]
        let result = try Self.apply([.set(shape: "to-format", field: [.key("map"), .key("fields")], value: fields)])
        #expect(
            result.text
                == Self.yaml.replacingOccurrences(
                    of: """
                                order_number: id
                                total: total_price
                        """,
                    with: """
                                order_number: id
                                reference: name
                                customer.email: customer.email
                        """))
        let shape = try FlowFile.decode(result.text).shape(withID: "to-format")
        #expect(shape?.settings["fields"] == fields)
    }

    @Test func settingAMissingFieldAddsItsKeyAndFlowFieldsWork() throws {
        let result = try Self.apply([
            .set(shape: "to-format", field: [.key("name")], value: "To the ERP format"),
            .set(shape: nil, field: [.key("description")], value: "Orders: paid ones only"),
        ])
        #expect(
            result.text.contains("    total: total_price\n    name: To the ERP format\ndescription: \"Orders: paid ones only\"\n# the end"),
            "added after the mapping's last key, quoted where YAML would misread it")
        #expect(result.text.contains("  - id: seed\n"))
        let flow = try FlowFile.decode(result.text)
        #expect(flow.shape(withID: "to-format")?.name == "To the ERP format")
        #expect(flow.description == "Orders: paid ones only")
        #expect(Self.keepsComments(result.text))
    }

    @Test func settingTheTriggerReplacesOnlyTheTrigger() throws {
        let result = try Self.apply([.setTrigger(["schedule": "*/5 * * * *"])])
        #expect(result.text == Self.yaml.replacingOccurrences(of: "trigger: manual", with: "trigger:\n  schedule: \"*/5 * * * *\""))
        #expect(try FlowFile.decode(result.text).trigger == .schedule(try CronSchedule("*/5 * * * *")))
    }

    @Test func addingAfterAShapeAndAtTheStartOfLanes() throws {
        let filter: JSON = ["id": "only-gb", "filter": ["where": [["field": "country", "equals": "GB"]]]]
        let after = try Self.apply([.add(shape: filter, at: .after("seed"))])
        #expect(
            after.text
                == Self.yaml.replacingOccurrences(
                    of: "{ id: 1, country: GB } ] }\n",
                    with: """
                        { id: 1, country: GB } ] }
                          - id: only-gb
                            filter:
                              where:
                                - field: country
                                  equals: GB

                        """))
        #expect(after.addedShapes == ["only-gb"])

        let lanes = try Self.apply([
            .add(shape: ["split": ["path": "lines"]], at: .startOf(LaneReference(structure: "by-country", lane: "uk"))),
            .add(shape: ["id": "rest", "map": ["fields": ["number": "id"]]], at: .startOf(LaneReference(structure: "by-country", lane: "otherwise"))),
            .add(shape: ["id": "first", "split": ["path": "orders"]], at: .startOf(LaneReference(structure: nil, lane: "shapes"))),
        ])
        #expect(lanes.addedShapes == ["split-1", "rest", "first"], "a shape without an id gets <type>-1")
        let flow = try FlowFile.decode(lanes.text)
        #expect(flow.shapes.map(\.id) == ["first", "seed", "by-country", "to-format"])
        let children = flow.shape(withID: "by-country")?.structure?.children ?? []
        #expect(children.map { $0.shapes.map(\.id) } == [["split-1", "uk-map"], ["rest"]])
        #expect(
            lanes.text.contains(
                "            # the UK format\n            - id: split-1\n              split:\n                path: lines\n            - id: uk-map\n"))
        #expect(
            lanes.text.contains("                  number: id   # keep me\n      otherwise:\n        - id: rest\n          map:\n"),
            "the missing otherwise is added to the route, below the comment that ends the line")
        #expect(Self.keepsComments(lanes.text))
    }

    @Test func removingMovingAndDuplicating() throws {
        let removed = try Self.apply([.remove(shape: "seed")])
        #expect(removed.text == Self.yaml.replacingOccurrences(of: "  - id: seed\n    payload: { json: [ { id: 1, country: GB } ] }\n", with: ""))

        let moved = try Self.apply([.move(shape: "to-format", to: .before("uk-map"))])
        var flow = try FlowFile.decode(moved.text)
        #expect(flow.shapes.map(\.id) == ["seed", "by-country"])
        #expect(flow.shape(withID: "by-country")?.structure?.children.first?.shapes.map(\.id) == ["to-format", "uk-map"])
        #expect(Self.keepsComments(moved.text))

        let back = try Self.apply([.move(shape: "to-format", to: .after("by-country"))], to: moved.text)
        #expect(try FlowFile.decode(back.text) == FlowFile.decode(Self.yaml), "moved back, the flow is the same again")

        let copied = try Self.apply([.duplicate(shape: "by-country")])
        #expect(copied.addedShapes == ["by-country-copy", "uk-map-copy"], "the copy and the shapes nested in it get fresh ids")
        flow = try FlowFile.decode(copied.text)
        #expect(flow.shapes.map(\.id) == ["seed", "by-country", "by-country-copy", "to-format"])
        #expect(Self.keepsComments(copied.text))
    }

    @Test func skippingANestedShapeInYAML() throws {
        let result = try Self.apply([.setSkip(shape: "uk-map", skip: true)])
        #expect(result.text == Self.yaml.replacingOccurrences(of: "- id: uk-map\n", with: "- id: uk-map\n              skip: true\n"))
        let back = try Self.apply([.setSkip(shape: "uk-map", skip: false)], to: result.text)
        #expect(try FlowFile.decode(back.text).allShapes.allSatisfy { !$0.skip })
    }

    @Test func aJSONFlowIsWrittenAgainAsJSON() throws {
        let json =
            #"{"id": "orders", "shapes": [{"id": "a", "split": {"path": "x"}}, {"id": "t", "try": {"shapes": [{"id": "b", "map": {"fields": {"n": "id"}}}], "catch": [{"id": "c", "split": {"path": "y"}}]}}]}"#
        let result = try Self.apply(
            [
                .set(shape: "b", field: [.key("map"), .key("fields"), .key("total")], value: "total_price"),
                .add(shape: ["id": "d", "split": ["path": "z"]], at: .startOf(LaneReference(structure: "t", lane: "catch"))),
                .move(shape: "a", to: .after("b")),
                .duplicate(shape: "c"),
                .setSkip(shape: "d", skip: true),
                .setTrigger("api"),
            ], to: json)
        #expect(result.text.hasPrefix("{"))
        let flow = try FlowFile.decode(result.text)
        #expect(flow.trigger == .api)
        #expect(flow.shapes.map(\.id) == ["t"])
        let children = flow.shape(withID: "t")?.structure?.children ?? []
        #expect(children.map { $0.shapes.map(\.id) } == [["b", "a"], ["d", "c", "c-copy"]])
        #expect(flow.shape(withID: "b")?.settings["fields"] == ["n": "id", "total": "total_price"])
        #expect(flow.shape(withID: "d")?.skip == true)
        let removed = try Self.apply([.remove(shape: "a"), .setSkip(shape: "d", skip: false)], to: result.text)
        #expect(try FlowFile.decode(removed.text).allShapes.map(\.id) == ["t", "b", "d", "c", "c-copy"])
        #expect(!removed.text.contains("skip"))
    }

    @Test func unknownShapesAndLanesAreNamedWithTheEdit() throws {
        func problems(_ edits: [FlowEdit]) -> [FlowProblem] {
            do { _ = try Self.apply(edits); return [] } catch { return error.problems }
        }
        #expect(problems([.remove(shape: "nope")]) == [FlowProblem(path: "edits[0].shape", message: "the flow has no shape 'nope'")])
        #expect(
            problems([.setSkip(shape: "seed", skip: true), .add(shape: ["split": ["path": "a"]], at: .after("gone"))])
                == [FlowProblem(path: "edits[1].after", message: "the flow has no shape 'gone'")])
        let lane = problems([.add(shape: ["split": ["path": "a"]], at: .startOf(LaneReference(structure: "by-country", lane: "fr")))])
        #expect(lane == [FlowProblem(path: "edits[0].lane", message: "'by-country' has no lane 'fr'; its lanes: uk, otherwise")])
        #expect(problems([.move(shape: "by-country", to: .startOf(LaneReference(structure: "by-country", lane: "uk")))]).first?.path == "edits[0].shape")
    }

    @Test func anInvalidValueIsRefusedWithItsLocatedProblem() throws {
        var refused: [FlowProblem] = []
        do { _ = try Self.apply([.set(shape: "to-format", field: [.key("map"), .key("fields")], value: 5)]) } catch { refused = error.problems }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0.path.hasPrefix("shapes[2].map") }, "located as skein flow validate locates it: \(refused)")
        do { _ = try Self.apply([.add(shape: ["id": "seed", "split": ["path": "a"]], at: .after("to-format"))]) } catch { refused = error.problems }
        #expect(refused.contains { $0.path == "shapes[3].id" && $0.message.contains("already the id") }, "\(refused)")
    }

    @Test func editsAreReadFromJSONWithLocatedProblems() throws {
        #expect(
            try FlowEdit(json: ["op": "set", "shape": "a", "field": "map.fields", "value": ["n": "id"]], path: "edits[0]")
                == .set(shape: "a", field: [.key("map"), .key("fields")], value: ["n": "id"]))
        #expect(
            try FlowEdit(json: ["op": "set", "shape": "a", "field": ["map", "fields", "customer.email"], "value": .null], path: "edits[0]")
                == .set(shape: "a", field: [.key("map"), .key("fields"), .key("customer.email")], value: nil))
        #expect(
            try FlowEdit(json: ["op": "set", "shape": "f", "field": "filter.where[0].equals", "value": "paid"], path: "edits[0]")
                == .set(shape: "f", field: [.key("filter"), .key("where"), .index(0), .key("equals")], value: "paid"))
        #expect(
            try FlowEdit(json: ["op": "move", "shape": "a", "lane": "route-orders/uk"], path: "edits[0]")
                == .move(shape: "a", to: .startOf(LaneReference(structure: "route-orders", lane: "uk"))))
        #expect(
            try FlowEdit(json: ["op": "add", "shape": ["split": ["path": "a"]], "lane": ""], path: "edits[0]")
                == .add(shape: ["split": ["path": "a"]], at: .startOf(LaneReference(structure: nil, lane: "shapes"))))
        func problem(_ json: JSON) -> FlowProblem? {
            do { _ = try FlowEdit(json: json, path: "edits[3]"); return nil } catch { return error.problems.first }
        }
        #expect(problem(["op": "explode"])?.path == "edits[3].op")
        #expect(problem(["op": "remove"])?.path == "edits[3].shape")
        #expect(problem(["op": "move", "shape": "a", "after": "b", "before": "c"])?.path == "edits[3]")
        #expect(problem(["op": "set", "shape": "a", "field": "map..x", "value": 1])?.path == "edits[3].field")
        #expect(problem(["op": "set", "shape": "a", "field": "x"])?.path == "edits[3].value")
    }
}
