import SkeinCore
import SkeinJSON
import Testing

/// JSONata in the map, filter and assert shapes, on orders with line items.
@Suite struct ExpressionShapeTests {
    let order: JSON = [
        "id": 1042, "name": "#1042", "financial_status": "paid",
        "customer": ["first_name": "Ann", "last_name": "Lee", "email": "Ann@Example.com"],
        "line_items": [
            ["sku": "mug-red", "quantity": 2, "price": 9.5],
            ["sku": "tee-m", "quantity": 1, "price": 20],
        ],
        "shipping_lines": [["code": "express"]],
    ]

    /// The problems a flow file with these shapes has, as `skein flow validate` prints them.
    func problems(_ shapes: String) -> [String] {
        do {
            _ = try FlowFile.decode("id: f\nshapes:\n" + shapes)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func mapFieldsAreJSONataExpressionsAndPlainPathsStillWork() async throws {
        let map = try makeShape(
            MapShape(),
            [
                "fields": [
                    "order_number": "id",
                    "first_sku": "line_items[0].sku",
                    "customer.email": "$lowercase(customer.email)",
                    "customer.name": #"customer.first_name & " " & customer.last_name"#,
                    "total": "$sum(line_items.(quantity * price))",
                    "lines": #"$map(line_items, function($l, $i) { {"line": $i + 1, "sku": $uppercase($l.sku)} })"#,
                    "shipping": #"shipping_lines[0].code = "express" ? "EXPRESS" : "STANDARD""#,
                    "note": ["expr": "$trim(note)", "default": "none"],
                    "legacy": ["path": "name"],
                    "channel": ["value": "web"],
                ]
            ])
        let out = try await map.execute([Payload(json: order)], context: context).outputs
        #expect(
            try out[0].json() == [
                "order_number": 1042, "first_sku": "mug-red",
                "customer": ["email": "ann@example.com", "name": "Ann Lee"],
                "total": 39,
                "lines": [["line": 1, "sku": "MUG-RED"], ["line": 2, "sku": "TEE-M"]],
                "shipping": "EXPRESS", "note": "none", "legacy": "#1042", "channel": "web",
            ])
    }

    @Test func anUndefinedFieldWithoutADefaultIsLeftOut() async throws {
        let map = try makeShape(MapShape(), ["fields": ["order_number": "id", "gift": "gift_message"]])
        let out = try await map.execute([Payload(json: order)], context: context).outputs
        #expect(try out[0].json() == ["order_number": 1042])
    }

    @Test func aTransformBuildsTheWholeDocument() async throws {
        let map = try makeShape(
            MapShape(),
            [
                "transform": #"{"order": id, "skus": line_items.sku, "bulky": line_items[quantity > 1].sku}"#
            ])
        let out = try await map.execute([Payload(json: order)], context: context).outputs
        #expect(try out[0].json() == ["order": 1042, "skus": ["mug-red", "tee-m"], "bulky": "mug-red"])
    }

    @Test func aTransformThatProducesNothingFailsNamingThePayload() async throws {
        let map = try makeShape(MapShape(), ["transform": "missing"])
        do {
            _ = try await map.execute([Payload(json: order), Payload(json: [:])], context: context)
            Issue.record("expected the step to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message.hasPrefix("step 'shape', map.transform, payload 0: the transform produced nothing"))
        }
    }

    /// Many payloads are mapped on every core: the outputs must keep the input's order, and a
    /// failure must name the first failing payload, as mapping them one by one would.
    @Test func aLargeMapKeepsOrderAndReportsTheFirstFailingPayload() async throws {
        let map = try makeShape(MapShape(), ["transform": #"{"order": id, "double": id * 2}"#])
        let input = (0..<3000).map { Payload(json: ["id": .number(Double($0))]) }
        let out = try await map.execute(input, context: context).outputs
        #expect(try out.map { try $0.json() } == (0..<3000).map { ["order": .number(Double($0)), "double": .number(Double($0 * 2))] })

        var broken = input
        broken[2900] = Payload(bytes: Array("a,b".utf8), contentType: "text/csv")
        broken[1700] = Payload(bytes: Array("a,b".utf8), contentType: "text/csv")
        do {
            _ = try await map.execute(broken, context: context)
            Issue.record("expected the step to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message == "payload 1700: the payload is text/csv, not JSON")
        }
    }

    @Test func filterConditionKeepsPayloadsAndItemsItFindsTruthy() async throws {
        let split = try makeShape(SplitShape(), ["path": "orders"])
        let orders = try await split.execute([Payload(json: ordersPage)], context: context).outputs
        let paid = try makeShape(FilterShape(), ["condition": #"financial_status = "paid" and $number(total_price) > 0"#])
        #expect(try await paid.execute(orders, context: context).outputs.map { try $0.json()["id"] } == [1042])

        let multiLine = try makeShape(FilterShape(), ["condition": "$count(line_items) > 1"])
        #expect(try await multiLine.execute(orders, context: context).outputs.map { try $0.json()["id"] } == [1042])

        let bulkyLines = try makeShape(FilterShape(), ["condition": "quantity > 1", "items": "line_items"])
        let out = try await bulkyLines.execute([Payload(json: order)], context: context).outputs
        #expect(try out[0].json()["line_items"] == [["sku": "mug-red", "quantity": 2, "price": 9.5]])

        // Undefined, empty strings and empty arrays are falsy, as JSONata's $boolean says.
        let hasGift = try makeShape(FilterShape(), ["condition": "gift_message"])
        #expect(
            try await hasGift.execute(
                [
                    Payload(json: order), Payload(json: ["gift_message": ""]),
                    Payload(json: ["gift_message": "Happy birthday"]),
                ], context: context
            ).outputs
                == [Payload(json: ["gift_message": "Happy birthday"])])
    }

    @Test func assertConditionFailsWithTheGivenMessageOrTheCondition() async throws {
        let withMessage = try makeShape(
            AssertShape(),
            [
                "condition": "$sum(line_items.(quantity * price)) >= 40", "message": "order total is below the minimum",
            ])
        do {
            _ = try await withMessage.execute([Payload(json: order)], context: context)
            Issue.record("expected the assertion to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message == "assertion failed on payload 0: order total is below the minimum")
        }
        let plain = try makeShape(AssertShape(), ["condition": "$count(line_items) > 2"])
        do {
            _ = try await plain.execute([Payload(json: order)], context: context)
            Issue.record("expected the assertion to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message == "assertion failed on payload 0: condition $count(line_items) > 2 is false")
        }
        let passes = try makeShape(AssertShape(), ["condition": "$count(line_items) = 2"])
        #expect(try await passes.execute([Payload(json: order)], context: context).outputs.count == 1)
    }

    @Test func aMalformedExpressionIsAValidationProblemWithShapeFieldAndPosition() {
        let found = problems(
            """
              - { id: one, split: { path: orders } }
              - id: two
                map:
                  fields:
                    total: '$sum(line_items[0}.price)'
                    sku: { expr: 'line_items.(sku', default: '' }
              - { id: three, filter: { condition: 'status = = "paid"' } }
              - { id: four, assert: { condition: '$count(', message: no lines } }
              - { id: five, map: { transform: '{"a": }' } }
            """)
        #expect(
            found == [
                #"shapes[1].map.fields.total: JSONata S0202 at position 18: Expected "]", got "}""#,
                #"shapes[1].map.fields.sku.expr: JSONata S0203 at position 15: Expected ")" before end of expression"#,
                #"shapes[2].filter.condition: JSONata S0211 at position 10: The symbol "=" cannot be used as a unary operator"#,
                #"shapes[3].assert.condition: JSONata S0203 at position 7: Expected ")" before end of expression"#,
                #"shapes[4].map.transform: JSONata S0211 at position 7: The symbol "}" cannot be used as a unary operator"#,
            ])
    }

    @Test func shapesSayWhichWayOfWritingThemToPick() {
        #expect(
            problems("  - { id: a, map: { fields: { a: b }, transform: x } }\n")
                == ["shapes[0].map.transform: give either fields: or transform:, not both"])
        #expect(
            problems("  - { id: a, map: { keep_unmapped: true } }\n")
                == ["shapes[0].map.fields: required: give field rules in fields: or a JSONata expression in transform:"])
        #expect(
            problems("  - { id: a, filter: { where: [ { field: a, exists: true } ], condition: a } }\n")
                == ["shapes[0].filter.condition: give either where: or condition:, not both"])
        #expect(
            problems("  - { id: a, map: { fields: { a: { expr: b, value: 1 } } } }\n")
                == ["shapes[0].map.fields.a: give only one of expr, value"])
        #expect(
            problems("  - { id: a, map: { fields: { a: b }, limits: { timeout: 5m, max_depth: 3 } } }\n")
                == [
                    "shapes[0].map.limits.timeout: must be more than 0 and at most 1m",
                    "shapes[0].map.limits.max_depth: 3 is outside 10...10000",
                ])
    }

    @Test func aRuntimeErrorNamesTheStepFieldPayloadAndPosition() async throws {
        let map = try makeShape(MapShape(), ["fields": ["order_number": "id", "total": "$sum(line_items.(quantity * sku))"]])
        let stepContext = ShapeContext(runID: 7, flowID: "orders", shapeID: "to-erp")
        do {
            _ = try await map.execute([Payload(json: ["line_items": []]), Payload(json: order)], context: stepContext)
            Issue.record("expected the step to fail")
        } catch let failure as ShapeFailure {
            #expect(
                failure.message
                    == #"step 'to-erp', map.fields.total, payload 1: JSONata T2002 at position 27: The right side of the "*" operator must evaluate to a number"#
            )
            #expect(failure.details?["position"] == 27)
            #expect(failure.details?["code"] == "T2002")
            #expect(!failure.isTransient)
        }
    }

    @Test func aRunawayExpressionHitsTheLimitsInsteadOfHangingTheWorker() async throws {
        let loop = try makeShape(
            FilterShape(),
            [
                "condition": "($loop := function($n) { $loop($n + 1) }; $loop(0))", "limits": ["timeout": "200ms"],
            ])
        do {
            _ = try await loop.execute([Payload(json: order)], context: context)
            Issue.record("expected the step to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message.contains("filter.condition, payload 0: JSONata U1001"))
            #expect(failure.message.contains("timeout"))
        }
        let deep = try makeShape(
            AssertShape(),
            [
                "condition": "($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5000) > 0)"
            ])
        do {
            _ = try await deep.execute([Payload(json: order)], context: context)
            Issue.record("expected the step to fail")
        } catch let failure as ShapeFailure {
            #expect(failure.message.contains("assert.condition, payload 0: JSONata U1001"))
            #expect(failure.message.contains("Stack overflow"))
        }
    }
}
