import Foundation
import JSONata
import SkeinJSON
import Testing

/// The public API: compile once, evaluate many times (also concurrently), errors, limits.
struct JSONataAPITests {
    static let order: JSON = [
        "id": 1042,
        "customer": ["name": "Ada", "tier": "gold"],
        "lines": [
            ["sku": "A-1", "qty": 2, "price": 5.5],
            ["sku": "B-7", "qty": 1, "price": 12],
        ],
    ]

    @Test func evaluatesAPathAndAggregate() throws {
        let total = try JSONataExpression(compiling: "$sum(lines.(qty * price))")
        #expect(try total.evaluate(input: Self.order) == .number(23))
        let skus = try JSONataExpression(compiling: "lines.sku")
        #expect(try skus.evaluate(input: Self.order) == ["A-1", "B-7"])
    }

    @Test func undefinedResultIsNil() throws {
        let expression = try JSONataExpression(compiling: "customer.missing")
        #expect(try expression.evaluate(input: Self.order) == nil)
        #expect(try expression.evaluate(input: nil) == nil)
    }

    @Test func compiledExpressionIsSharedAcrossTasks() async throws {
        let expression = try JSONataExpression(compiling: "{ 'id': id, 'value': $sum(lines.(qty * price)) * $factor }")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        let input: JSON = ["id": .number(Double(index)), "lines": [["qty": .number(Double(task)), "price": 2]]]
                        let result = try expression.evaluate(input: input, bindings: ["factor": 10])
                        #expect(result == ["id": .number(Double(index)), "value": .number(Double(task * 20))])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func syntaxErrorCarriesCodePositionAndMessage() {
        do {
            _ = try JSONataExpression(compiling: "[1, 2}")
            Issue.record("expected a syntax error")
        } catch let error as JSONataError {
            #expect(error.code == "S0202")
            #expect(error.position == 6)
            #expect(error.token == "}")
            #expect(error.description == #"S0202 at position 6: Expected "]", got "}""#)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func runtimeErrorNamesOperatorAndPosition() throws {
        let expression = try JSONataExpression(compiling: "id + customer.name")
        do {
            _ = try expression.evaluate(input: Self.order)
            Issue.record("expected a type error")
        } catch let error as JSONataError {
            #expect(error.code == "T2002")
            #expect(error.position == 4)
            #expect(error.token == "+")
            // the reference inserts the token as JSON, hence the quotes
            #expect(error.message == #"The right side of the "+" operator must evaluate to a number"#)
        }
    }

    @Test func signatureErrorNamesTheFunction() throws {
        let expression = try JSONataExpression(compiling: "$uppercase(42)")
        #expect {
            _ = try expression.evaluate(input: nil)
        } throws: { error in
            guard let error = error as? JSONataError else { return false }
            return error.code == "T0410" && error.message == #"Argument 1 of function "uppercase" does not match function signature"#
        }
    }

    @Test func infiniteRecursionHitsTheDepthLimit() throws {
        let expression = try JSONataExpression(compiling: "($f := function($n){ $n + $f($n) }; $f(1))")
        do {
            _ = try expression.evaluate(input: nil, limits: JSONataLimits(maxDepth: 500))
            Issue.record("expected U1001")
        } catch let error as JSONataError {
            #expect(error.code == "U1001")
            #expect(error.message.hasPrefix("Stack overflow error"))
        }
        // with the default limits the stack guard (or the default depth) stops it too
        #expect(throws: JSONataError.self) { try expression.evaluate(input: nil) }
    }

    /// The test's time limit catches an evaluation that never stops; how long stopping took is
    /// not asserted (a loaded machine can stretch it).
    @Test(.timeLimit(.minutes(1))) func longLoopHitsTheTimeLimit() throws {
        // tail-recursive, so it never gets deep: only the clock can stop it
        let expression = try JSONataExpression(compiling: "($loop := function($i){ $i < 1e12 ? $loop($i + 1) : $i }; $loop(0))")
        do {
            _ = try expression.evaluate(input: nil, limits: JSONataLimits(timeout: .milliseconds(200)))
            Issue.record("expected U1001")
        } catch let error as JSONataError {
            #expect(error.code == "U1001")
            #expect(error.message.hasPrefix("Expression evaluation timeout"))
        }
    }

    @Test func hostFunctionsAndBindings() throws {
        let greet = try JSONataFunction(signature: "<s:s>") { args in
            .string("Hello, " + (args[0]?.stringValue ?? "nobody"))
        }
        let expression = try JSONataExpression(compiling: "$greet(customer.name) & $suffix")
        let result = try expression.evaluate(input: Self.order, bindings: ["suffix": "!"], functions: ["greet": greet])
        #expect(result == "Hello, Ada!")

        let failing = try JSONataFunction { _ in throw JSONataError(code: "X0001", message: "nope") }
        #expect {
            _ = try JSONataExpression(compiling: "$fail()").evaluate(input: nil, functions: ["fail": failing])
        } throws: { ($0 as? JSONataError)?.code == "X0001" }
    }

    @Test func higherOrderFunctionsAndTransform() throws {
        let expression = try JSONataExpression(
            compiling: """
                (
                  $double := function($x) { $x * 2 };
                  {
                    'doubled': $map(lines.qty, $double),
                    'order': $ ~> |lines|{ 'total': qty * price }, ['price']|
                  }
                )
                """)
        let result = try expression.evaluate(input: Self.order)
        #expect(result?["doubled"] == [4, 2])
        #expect(result?["order"]?["lines"]?[0] == ["sku": "A-1", "qty": 2, "total": 11])
        // the input is untouched by the transform
        #expect(Self.order["lines"]?[0]?["price"] == 5.5)
    }
}

/// Awkward inputs must produce a value or a `JSONataError`, never a trap.
struct JSONataRobustnessTests {
    static let expressions = [
        "[1,2][1e300]", "[1,2][-1e300]", "$substring('abc', 1e300, -1e300)", "$substring('abc', -1e300)",
        "$round(1.5, 1e300)", "$round(1.5, -1e300)", "$split('a,b', ',', 1e300)", "$formatBase(1e300, 2)",
        "'a' & $string(1/0)", "$number('0x')", "$match('aaa', /a*/)", "$replace('abc', /x*/, '-')",
        "$sort([1, 'a'])", "{}.a.b.c", "$keys(1)", "**", "$$", "$.$.$", "$eval('$eval(\"1+\")')",
        "$zip()", "$max([])", "$average([])", "((((((((((1))))))))))", "$power(2, 1e300)",
        "$parseInteger('abc', '#')", "[1..3].$[1e300]", "1e300..1e300", "$pad('x', -3.7, '')",
        "$split('abc', function($s){ {'start': 99, 'end': -5, 'groups': []} })",
        "$replace('abc', function($s){ {'start': -4, 'end': 99, 'groups': []} }, 'x')",
        "$single([])", "$reduce([1], function($a){$a})", "$string($string)", "|a|{}|", "$ ~> |a|{}|",
        "function($x){$x}(1, 2, 3)", "$map([1,2], ?)", "$lookup(null, 'a')", "$spread('a')",
        "$distinct([[1],[1],{'a':1},{'a':1}])", "$toMillis('garbage')", "$fromMillis(1e300)",
        "$formatNumber(1e300, '#,##0.00')", "$formatInteger(1e300, 'w')", "$decodeUrl('%')",
    ]

    @Test(arguments: expressions)
    func neverTraps(_ source: String) {
        do {
            let expression = try JSONataExpression(compiling: source)
            _ = try expression.evaluate(input: ["a": [1, 2, ["b": "c"]]], limits: JSONataLimits(timeout: .seconds(5)))
        } catch is JSONataError {
            // fine: a reported error
        } catch {
            Issue.record("\(source) threw a non-JSONata error: \(error)")
        }
    }
}
