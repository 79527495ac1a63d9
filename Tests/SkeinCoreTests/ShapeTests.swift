import SkeinCore
import SkeinJSON
import Testing

/// Builds a shape from flow-file settings the way the engine does.
func makeShape(_ kind: any ShapeKind, _ settings: JSON) throws -> any ShapeExecutor {
    let problems = ProblemList()
    let reader = try #require(SettingsReader(settings, path: "shape", problems: problems))
    let executor = kind.prepare(reader)
    #expect(problems.problems == [], "unexpected problems: \(problems.problems)")
    return try #require(executor)
}

let context = ShapeContext(runID: 1, flowID: "test", shapeID: "shape")

let ordersPage: JSON = [
    "orders": [
        [
            "id": 1042, "financial_status": "paid", "total_price": "59.90", "customer": ["email": "ann@example.com"],
            "line_items": [["sku": "MUG-RED", "quantity": 2], ["sku": "TEE-M", "quantity": 1]],
        ],
        ["id": 1043, "financial_status": "pending", "total_price": "12.00", "customer": ["email": "bob@example.com"], "line_items": []],
        [
            "id": 1044, "financial_status": "paid", "total_price": "0.00", "customer": ["email": "cy@example.com"],
            "line_items": [["sku": "GIFT", "quantity": 1]],
        ],
    ]
]

@Suite struct ShapeTests {
    @Test func splitTurnsAPageIntoOneOrderPerPayloadOrBatches() async throws {
        let single = try makeShape(SplitShape(), ["path": "orders"])
        let items = try await single.execute([Payload(json: ordersPage)], context: context).outputs
        #expect(items.count == 3)
        #expect(try items[1].json()["id"] == 1043)

        let batches = try makeShape(SplitShape(), ["path": "orders", "batch_size": 2, "wrap_key": "orders"])
        let out = try await batches.execute([Payload(json: ordersPage)], context: context).outputs
        #expect(out.count == 2)
        #expect(try out[1].json() == ["orders": [ordersPage["orders"]![2]!]])
    }

    @Test func splitFailsClearlyWhenThePathIsNotAnArray() async throws {
        let split = try makeShape(SplitShape(), ["path": "orders.0"])
        await #expect(throws: ShapeFailure.self) { try await split.execute([Payload(json: ["orders": "x"])], context: context) }
    }

    @Test func filterKeepsPaidOrdersWithStringPricesComparedAsNumbers() async throws {
        let filter = try makeShape(
            FilterShape(),
            [
                "where": [["field": "financial_status", "equals": "paid"], ["field": "total_price", "greater_than": 0]]
            ])
        let split = try makeShape(SplitShape(), ["path": "orders"])
        let orders = try await split.execute([Payload(json: ordersPage)], context: context).outputs
        let kept = try await filter.execute(orders, context: context).outputs
        #expect(try kept.map { try $0.json()["id"] } == [1042])
    }

    @Test func filterCanFilterItemsInsideAPayload() async throws {
        let filter = try makeShape(FilterShape(), ["where": [["field": "financial_status", "equals": "paid"]], "items": "orders"])
        let out = try await filter.execute([Payload(json: ordersPage)], context: context).outputs
        #expect(try out[0].json()["orders"]?.arrayValue?.count == 2)
    }

    @Test func mapBuildsTheERPDocument() async throws {
        let map = try makeShape(
            MapShape(),
            [
                "fields": [
                    "order_number": "id", "customer.email": "customer.email", "first_sku": "line_items[0].sku",
                    "channel": ["value": "web"], "note": ["path": "note", "default": ""],
                ]
            ])
        let order = ordersPage["orders"]![0]!
        let out = try await map.execute([Payload(json: order)], context: context).outputs
        #expect(try out[0].json() == ["order_number": 1042, "customer": ["email": "ann@example.com"], "first_sku": "MUG-RED", "channel": "web", "note": ""])
    }

    @Test func mapRejectsPayloadsThatAreNotJSON() async throws {
        let map = try makeShape(MapShape(), ["fields": ["a": "b"]])
        await #expect(throws: ShapeFailure.self) {
            try await map.execute([Payload(bytes: Array("sku,qty\nA,1\n".utf8), contentType: "text/csv")], context: context)
        }
    }

    @Test func assertNamesTheFailingPayloadAndCondition() async throws {
        let assert = try makeShape(AssertShape(), ["that": [["field": "line_items", "exists": true], ["field": "total_price", "greater_than": 1]]])
        let split = try makeShape(SplitShape(), ["path": "orders"])
        let orders = try await split.execute([Payload(json: ordersPage)], context: context).outputs
        do {
            _ = try await assert.execute(orders, context: context)
            Issue.record("expected the assertion to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message == "assertion failed on payload 2: expected total_price is greater than 1, found \"0.00\"")
            #expect(!failure.isTransient)
        }
    }

    @Test func payloadShapeInjectsRawTextUntouched() async throws {
        let shape = try makeShape(PayloadShape(), ["text": "sku;qty\r\nA;1", "content_type": "text/csv"])
        let out = try await shape.execute([], context: context).outputs
        #expect(out == [Payload(bytes: Array("sku;qty\r\nA;1".utf8), contentType: "text/csv")])
    }

    @Test func receivedJSONIsParsedAndBadJSONIsRejectedWithItsPosition() throws {
        #expect(try Payload.received(Array(#"{"a":1}"#.utf8), contentType: "application/json; charset=utf-8").json() == ["a": 1])
        #expect(throws: JSONSyntaxError.self) { try Payload.received(Array("{\"a\":}".utf8), contentType: nil) }
        let xml = Array("<order id=\"1\"/>".utf8)
        #expect(try Payload.received(xml, contentType: "application/xml").bytes() == xml)
    }
}
