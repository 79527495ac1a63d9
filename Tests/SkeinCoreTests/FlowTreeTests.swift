import SkeinCore
import SkeinJSON
import Testing

/// Route, branch and try turn a flow into a tree: reading them, the paths of their steps, and
/// the route's decisions on real order shapes.
@Suite struct FlowTreeTests {
    static let ordersFlow = """
        id: orders-by-country
        shapes:
          - id: each-order
            split: { path: orders }
          - id: route-orders
            route:
              mode: all
              branches:
                - name: uk
                  condition: shipping_address.country_code = "GB"
                  shapes:
                    - id: uk-format
                      map: { fields: { ref: name, lines: '$count(line_items)' } }
                - name: big
                  condition: $sum(line_items.(quantity * $number(price))) > 100
                  shapes:
                    - id: big-flag
                      map: { fields: { ref: name, big: { value: true } } }
              otherwise:
                - id: rest-format
                  map: { fields: { ref: name } }
          - id: safe-send
            try:
              shapes:
                - id: check-ref
                  assert: { that: [ { field: ref, exists: true } ] }
              catch:
                - id: park
                  map: { fields: { failed: payload, why: error.message } }
          - id: fan-out
            branch:
              branches:
                - name: erp
                  shapes: [ { id: erp-format, map: { fields: { order: ref } } } ]
                - name: warehouse
                  shapes: [ { id: wh-format, map: { fields: { pick: ref } } } ]
        """

    static func order(_ name: String, country: String, lines: [(String, Int, String)]) -> JSON {
        [
            "name": .string(name), "shipping_address": ["country_code": .string(country)],
            "line_items": .array(lines.map { ["sku": .string($0.0), "quantity": .number(Double($0.1)), "price": .string($0.2)] }),
        ]
    }

    @Test func readsRouteBranchAndTryIntoATree() throws {
        let flow = try FlowFile.decode(Self.ordersFlow)
        #expect(flow.shapes.map(\.id) == ["each-order", "route-orders", "safe-send", "fan-out"])
        #expect(flow.shapes.map(\.type) == ["split", "route", "try", "branch"])
        guard case .route(let route)? = flow.shapes[1].structure else { Issue.record("expected a route"); return }
        #expect(route.mode == .all)
        #expect(route.branches.map(\.name) == ["uk", "big"])
        #expect(route.otherwise?.map(\.id) == ["rest-format"])
        #expect(
            flow.allShapes.map(\.id) == [
                "each-order", "route-orders", "uk-format", "big-flag", "rest-format", "safe-send", "check-ref",
                "park", "fan-out", "erp-format", "wh-format",
            ])
        #expect(flow.path(of: "big-flag") == "route-orders/big/big-flag")
        #expect(flow.path(of: "rest-format") == "route-orders/otherwise/rest-format")
        #expect(flow.path(of: "park") == "safe-send/catch/park")
        #expect(flow.path(of: "each-order") == "each-order")
        #expect(flow.hops(to: "wh-format") == [TreeHop(index: 3, child: 1), TreeHop(index: 0, child: nil)])
    }

    @Test func theStepAfterAShapeLeavesItsBranchButNotACatch() throws {
        let flow = try FlowFile.decode(Self.ordersFlow)
        #expect(flow.shapeAfter("each-order")?.id == "route-orders")
        #expect(flow.shapeAfter("uk-format")?.id == "safe-send")  // end of a branch: what follows the route
        #expect(flow.shapeAfter("check-ref")?.id == "fan-out")  // end of the try part: what follows the try
        #expect(flow.shapeAfter("park") == nil)  // catch is a dead end
        #expect(flow.shapeAfter("wh-format") == nil)  // end of the flow
    }

    @Test func reportsTreeProblemsWithTheirExactPath() {
        let text = """
            id: broken
            shapes:
              - id: route-orders
                route:
                  mode: some
                  branches:
                    - name: uk
                      condition: 'country = "GB"'
                      shapes: [ { id: a, payload: { json: 1 } } ]
                    - name: uk
                      condition: 'total > '
                      shapes: []
                    - name: eu
                      shapes: [ { id: a, mapp: {} } ]
              - id: t
                try: { shapes: [ { id: b, split: { batch_size: 0 } } ] }
              - id: both
                route: { branches: [] }
                split: {}
            """
        do {
            _ = try FlowFile.decode(text)
            Issue.record("the flow should not validate")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("shapes[0].route.mode: 'some' is not one of all, first"))
            #expect(lines.contains("shapes[0].route.branches[1].name: 'uk' is already the name of another branch"))
            #expect(lines.contains { $0.hasPrefix("shapes[0].route.branches[1].condition: JSONata S0") })
            #expect(lines.contains("shapes[0].route.branches[1].shapes: give at least one shape"))
            #expect(lines.contains("shapes[0].route.branches[2].shapes[0].id: 'a' is already the id of shapes[0].route.branches[0].shapes[0]"))
            #expect(lines.contains { $0.hasPrefix("shapes[0].route.branches[2].shapes[0].mapp: unknown shape type 'mapp'") })
            #expect(lines.contains("shapes[1].try.catch: required field is missing"))
            #expect(lines.contains("shapes[1].try.shapes[0].split.batch_size: 0 is outside 1...1000000"))
            #expect(
                lines.contains("shapes[2].split: one shape can have only one type; put the route in a shape of its own")
                    || lines.contains("shapes[2].route: one shape can have only one type; put the route in a shape of its own"))
        }
    }

    @Test func routeModeAllSendsAnOrderDownEveryMatchingBranch() throws {
        let flow = try FlowFile.decode(Self.ordersFlow)
        guard case .route(let block)? = flow.shapes[1].structure else { Issue.record("expected a route"); return }
        let decider = try RouteDecider(block)
        let context = ShapeContext(runID: 1, flowID: "f", shapeID: "route-orders")
        let bigUK = Payload(json: Self.order("#1001", country: "GB", lines: [("MUG-RED", 10, "12.50")]))
        let smallUK = Payload(json: Self.order("#1002", country: "GB", lines: [("MUG-RED", 1, "12.50")]))
        let bigFR = Payload(json: Self.order("#1003", country: "FR", lines: [("LAMP", 2, "80.00")]))
        let smallDE = Payload(json: Self.order("#1004", country: "DE", lines: [("CARD", 1, "3.00")]))
        #expect(try decider.children(for: bigUK, index: 0, context: context) == [0, 1])
        #expect(try decider.children(for: smallUK, index: 1, context: context) == [0])
        #expect(try decider.children(for: bigFR, index: 2, context: context) == [1])
        #expect(try decider.children(for: smallDE, index: 3, context: context) == [2])  // otherwise

        var first = block
        first.mode = .first
        first.otherwise = nil
        let firstOnly = try RouteDecider(first)
        #expect(try firstOnly.children(for: bigUK, index: 0, context: context) == [0])
        #expect(try firstOnly.children(for: smallDE, index: 3, context: context) == [])
    }

    @Test func aRouteConditionThatCannotBeEvaluatedNamesThePayload() throws {
        let block = RouteBlock(branches: [RouteBranch(name: "low", condition: "stock_level < 5", shapes: [])])
        let decider = try RouteDecider(block)
        let context = ShapeContext(runID: 1, flowID: "f", shapeID: "by-stock")
        #expect(try decider.children(for: Payload(json: ["sku": "MUG", "stock_level": 2]), index: 0, context: context) == [0])
        #expect(try decider.children(for: Payload(json: ["sku": "MUG", "stock_level": 40]), index: 1, context: context) == [])
        #expect(throws: ShapeFailure.self) {
            try decider.children(for: Payload(bytes: Array("sku;qty\n".utf8), contentType: "text/csv"), index: 2, context: context)
        }
        do {
            _ = try decider.children(for: Payload(json: ["sku": "MUG", "stock_level": "many"]), index: 3, context: context)
            Issue.record("a string compared with a number should fail")
        } catch {
            #expect(error.message.hasPrefix("step 'by-stock', route.branches[0].condition, payload 3: JSONata T2009"))
        }
    }

    @Test func runFlowSettingsAreChecked() {
        let text = """
            id: caller
            shapes:
              - id: call
                run_flow: { flow: "Not An Id", wait: false, timeout: 5s }
            """
        do {
            _ = try FlowFile.decode(text)
            Issue.record("the flow should not validate")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("shapes[0].run_flow.flow: 'Not An Id' is not a flow id"))
            #expect(lines.contains("shapes[0].run_flow.timeout: applies only with wait: true"))
        }
    }
}
