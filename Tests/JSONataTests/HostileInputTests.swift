import Foundation
import JSONata
import SkeinJSON
import Testing

/// Expressions written to take the process down — deep nesting, huge values, catastrophic
/// regexes — each fail with their own clear error, quickly and without growing memory, and the
/// limits behind those errors are the ones `JSONataLimits` documents.
struct HostileInputTests {
    /// Compiles and evaluates `source`, returning the error it fails with (nil if it succeeds).
    static func failure(_ source: String, input: JSON? = nil, limits: JSONataLimits = .default) -> JSONataError? {
        do {
            let expression = try JSONataExpression(compiling: source, limits: limits)
            _ = try expression.evaluate(input: input, limits: limits)
            return nil
        } catch let error as JSONataError {
            return error
        } catch {
            Issue.record("\(source.prefix(60)) threw a non-JSONata error: \(error)")
            return nil
        }
    }

    // MARK: - Nesting of the expression text

    static let deepExpressions: [(name: String, source: String)] = [
        ("operator chain", "1" + String(repeating: "+1", count: 20_000)),
        ("path chain", "a" + String(repeating: ".a", count: 20_000)),
        ("nested calls", String(repeating: "$string(", count: 30_000) + "1" + String(repeating: ")", count: 30_000)),
        ("nested objects", String(repeating: "{\"a\":", count: 30_000) + "1" + String(repeating: "}", count: 30_000)),
        ("nested arrays", String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)),
        ("nested blocks", String(repeating: "(", count: 30_000) + "1" + String(repeating: ")", count: 30_000)),
        ("conditionals", String(repeating: "true ? 1 : ", count: 20_000) + "0"),
        ("unary minus", String(repeating: "-", count: 30_000) + "1"),
        ("bindings", String(repeating: "$a := ", count: 20_000) + "1"),
        ("lambdas", String(repeating: "function($x){", count: 20_000) + "1" + String(repeating: "}", count: 20_000)),
        ("concatenation", "'a'" + String(repeating: " & 'a'", count: 20_000)),
        ("filters", "a" + String(repeating: "[true]", count: 20_000)),
    ]

    @Test(arguments: deepExpressions.map(\.name))
    func deepExpressionIsASyntaxErrorWithItsPosition(_ name: String) throws {
        let source = Self.deepExpressions.first { $0.name == name }!.source
        let error = try #require(Self.failure(source))
        #expect(error.code == "S0230", "\(name): \(error)")
        #expect(error.message.contains("more than 500 levels"), "\(name): \(error.message)")
        #expect(error.message.contains("maxNesting"))
        let position = try #require(error.position)
        #expect(position > 0 && position < source.utf16.count, "\(name): position \(position)")
    }

    @Test func nestingWithinTheLimitCompilesAndEvaluates() throws {
        let chain = try JSONataExpression(compiling: "1" + String(repeating: "+1", count: 400))
        #expect(try chain.evaluate(input: nil) == .number(401))
        let path = try JSONataExpression(compiling: "a" + String(repeating: ".a", count: 300))
        var document: JSON = "end"
        for _ in 0..<301 { document = ["a": document] }
        #expect(try path.evaluate(input: document) == "end")
        let calls = try JSONataExpression(compiling: String(repeating: "$string(", count: 200) + "1" + String(repeating: ")", count: 200))
        #expect(try calls.evaluate(input: nil) == "1")
    }

    @Test func nestingLimitIsConfigurable() throws {
        var limits = JSONataLimits.default
        limits.maxNesting = 20
        let error = try #require(Self.failure("1" + String(repeating: "+1", count: 30), limits: limits))
        #expect(error.code == "S0230")
        #expect(error.message.contains("more than 20 levels"))
        // `$eval` compiles with the same limit
        let nested = try JSONataExpression(compiling: "$eval($text)", limits: limits)
        #expect {
            try nested.evaluate(input: nil, bindings: ["text": .string("1" + String(repeating: "+1", count: 30))], limits: limits)
        } throws: { error in
            guard let error = error as? JSONataError else { return false }
            return error.code == "D3120" && error.message.contains("more than 20 levels")
        }
    }

    @Test func manyCommentsInARowCompile() throws {
        let source = String(repeating: "/* c */ ", count: 100_000) + "42"
        #expect(try JSONataExpression(compiling: source).evaluate(input: nil) == .number(42))
    }

    // MARK: - Nesting of evaluation

    @Test func composedFunctionsCannotRecurseWithoutLimit() throws {
        // each `~>` of two functions makes a function calling the previous one: 20,000 deep
        let error = try #require(
            Self.failure(
                "$reduce($append([$uppercase], [1..20000]), function($f, $i){ $f ~> $uppercase })('a')",
                limits: JSONataLimits(timeout: .seconds(60))))
        #expect(error.code == "U1001")
        #expect(error.message.hasPrefix("Stack overflow error"))
    }

    @Test func longChainsOfClosuresAreReleasedWithoutRecursing() throws {
        // each function captures the scope holding the previous one: 200,000 links, built in a
        // loop in constant stack, released when the evaluation ends
        let closures = try JSONataExpression(compiling: "($last := $reduce([1..200000], function($acc, $i){ function(){ $acc } }, 0); $type($last))")
        #expect(try closures.evaluate(input: nil, limits: JSONataLimits(timeout: .seconds(60))) == "function")
        let partials = try JSONataExpression(compiling: "($last := $reduce([1..200000], function($acc, $i){ $append(?, $acc) }, 0); $type($last))")
        #expect(try partials.evaluate(input: nil, limits: JSONataLimits(timeout: .seconds(60))) == "function")
    }

    @Test func recursiveSortComparatorHitsTheDepthLimit() throws {
        let error = try #require(Self.failure("($f := function($a, $b){ $sort([$a, $b], $f) }; $sort([1, 2], $f))"))
        #expect(error.code == "U1001")
    }

    // MARK: - Size of values

    @Test func hugeRangeFailsBeforeAllocating() throws {
        let error = try #require(Self.failure("[1..100000000]"))
        #expect(error.code == "D2014")
        #expect(Self.failure("[1..10000000]")?.code == "D2014")
        #expect(Self.failure("[1..1000000]") == nil)
        var limits = JSONataLimits.default
        limits.maxItems = 1000
        let small = try #require(Self.failure("[1..1001]", limits: limits))
        #expect(small.code == "D2014")
        #expect(small.message.contains("must not exceed 1000"))
        #expect(Self.failure("[1..1000]", limits: limits) == nil)
    }

    @Test func rangeInsideRangeStopsAtTheItemLimit() throws {
        let error = try #require(Self.failure("[1..10000].([1..10000])", limits: JSONataLimits(timeout: .seconds(60))))
        #expect(["U1003", "U1005"].contains(error.code), "\(error)")
        #expect(error.message.contains("maxItems") || error.message.contains("maxBuiltBytes"))
    }

    @Test func manyLargeArraysHitTheBuiltBytesLimit() throws {
        // each array is under the item limit; together they are 860 MB of items
        let source = "[" + Array(repeating: "[1..900000]", count: 40).joined(separator: ",") + "]"
        let error = try #require(Self.failure(source, limits: JSONataLimits(timeout: .seconds(60))))
        #expect(error.code == "U1005")
        #expect(error.message.contains("maxBuiltBytes"))
    }

    @Test func sharedArraysCannotMultiplyIntoAHugeResult() throws {
        // a million-item array referenced a thousand times is cheap; flattening it is not
        let shared = "($x := [1..1000000]; $y := $map([1..1000], function($i){ $x }); "
        for tail in ["$y.$)", "$count($y.$))", "$y.**)", "$y)"] {
            let error = try #require(Self.failure(shared + tail, limits: JSONataLimits(timeout: .seconds(60))), "\(tail)")
            #expect(["U1003", "U1005"].contains(error.code), "\(tail): \(error)")
        }
    }

    @Test func hugePaddingFailsBeforeAllocating() throws {
        let error = try #require(Self.failure("$pad('x', 1000000000)"))
        #expect(error.code == "U1004")
        #expect(error.message.contains("maxStringBytes"))
        let wide = try #require(Self.failure("$pad('x', 100000000, '" + String(repeating: "ab", count: 500) + "')"))
        #expect(wide.code == "U1004")
    }

    @Test func stringDoublingStopsAtTheStringLimit() throws {
        let error = try #require(Self.failure("($f := function($s){ $f($s & $s) }; $f('ab'))", limits: JSONataLimits(timeout: .seconds(60))))
        #expect(error.code == "U1004")
        #expect(error.message.contains("more than the limit of 67108864 bytes"))
    }

    @Test func stringBuildersRespectTheStringLimit() throws {
        var limits = JSONataLimits.default
        limits.maxStringBytes = 1000
        for source in [
            "$join($map([1..200], function($i){ 'abcdef' }))", "$string([1..500])", "$uppercase($pad('', 2000, 'a'))",
            "$replace($pad('', 500, 'a'), 'a', 'bbb')", "$replace($pad('', 500, 'a'), /a/, 'bbb')",
            "$base64encode($pad('', 900, 'a'))", "$encodeUrlComponent($pad('', 600, ' '))", "$pad('', 600, 'a') & $pad('', 600, 'a')",
        ] {
            let error = try #require(Self.failure(source, limits: limits), "\(source)")
            #expect(error.code == "U1004", "\(source): \(error)")
        }
    }

    @Test func splittingAHugeStringRespectsTheItemLimit() throws {
        var limits = JSONataLimits.default
        limits.maxItems = 1000
        #expect(Self.failure("$split($pad('', 2000, 'a'), '')", limits: limits)?.code == "U1003")
        #expect(Self.failure("$split($pad('', 2000, 'a'), 'a')", limits: limits)?.code == "U1003")
        #expect(Self.failure("$split($pad('', 2000, 'a'), /a/)", limits: limits)?.code == "U1003")
    }

    @Test func deeplyNestedValuesAreRefused() throws {
        // tail recursion builds nesting in constant stack; converting or releasing such a value
        // would recurse once per level
        let error = try #require(
            Self.failure(
                "($f := function($x, $n){ $n = 0 ? $x : $f([[$x]], $n - 1) }; $f(1, 100000))",
                limits: JSONataLimits(timeout: .seconds(60))))
        #expect(error.code == "U1002")
        #expect(error.message.contains("maxValueNesting"))
        let objects = try #require(
            Self.failure(
                "($f := function($x, $n){ $n = 0 ? $x : $f({'a': $x}, $n - 1) }; $f(1, 100000))",
                limits: JSONataLimits(timeout: .seconds(60))))
        #expect(objects.code == "U1002")
        #expect(Self.failure("$reduce([1..5000], function($acc, $i){ {'next': $acc} }, {})")?.code == "U1002")
        // nesting well inside the limit is fine
        let fine = try JSONataExpression(compiling: "($f := function($x, $n){ $n = 0 ? $x : $f({'a': $x}, $n - 1) }; $f(1, 900))")
        #expect(try fine.evaluate(input: nil) != nil)
    }

    @Test func transformThatMakesACycleIsRefused() throws {
        let error = try #require(Self.failure("$ ~> |$|{'me': $}|", input: ["a": 1]))
        #expect(error.code == "U1002")
    }

    // MARK: - Time

    @Test func catastrophicRegexStopsAtTheTimeLimit() throws {
        let source = "$contains('" + String(repeating: "a", count: 100) + "', /(a|aa)*c/)"
        let started = Date()
        let error = try #require(Self.failure(source, limits: JSONataLimits(timeout: .milliseconds(300))))
        #expect(error.code == "U1001")
        #expect(error.message.hasPrefix("Expression evaluation timeout"))
        // without the check this would run for longer than the universe has existed
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func longNativeLoopsStopAtTheTimeLimit() throws {
        let limits = JSONataLimits(timeout: .milliseconds(200))
        for source in [
            "$distinct([1..200000])",
            "$contains($join([1..1000000].'a'), $join([1..50000].'a') & 'b')",
            "$sort([1..1000000], function($a, $b){ $a < $b })",
        ] {
            let error = try #require(Self.failure(source, limits: limits), "\(source)")
            #expect(error.code == "U1001", "\(source): \(error)")
        }
    }

    // MARK: - Issue 21

    @Test func wildcardOnATopLevelArrayReturnsItsItems() throws {
        let expression = try JSONataExpression(compiling: "*")
        #expect(try expression.evaluate(input: [1, 2, 3]) == [1, 2, 3])
        #expect(try expression.evaluate(input: [["a": 1], ["b": 2]]) == [["a": 1], ["b": 2]])
        #expect(try expression.evaluate(input: ["a": [1, 2], "b": 3]) == [1, 2, 3])
    }

    // MARK: - Defaults

    @Test func defaultLimitsAreTheDocumentedOnes() {
        let limits = JSONataLimits.default
        #expect(limits.maxNesting == 500)
        #expect(limits.maxDepth == 1000)
        #expect(limits.timeout == .seconds(1))
        #expect(limits.maxValueNesting == 1000)
        #expect(limits.maxItems == 1_000_000)
        #expect(limits.maxStringBytes == 64 * 1024 * 1024)
        #expect(limits.maxBuiltBytes == 256 * 1024 * 1024)
    }
}
