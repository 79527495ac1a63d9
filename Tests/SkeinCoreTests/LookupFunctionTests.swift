import JSONata
import SkeinCore
import SkeinJSON
import Testing

/// `$lookup` in JSONata and the scan that decides which tables a run reads.
@Suite struct LookupFunctionTests {
    let lookups = RunLookups([
        LookupTable(name: "shipping-codes", defaultValue: "STD", rows: [LookupRow(left: "express", right: "DHL-EXP"), LookupRow(left: "3", right: "three")]),
        LookupTable(name: "strict", rows: [LookupRow(left: "a", right: "x"), LookupRow(left: "b", right: "x"), LookupRow(left: "c", right: "y")]),
    ])

    func evaluate(_ expression: String, _ input: JSON? = nil) throws -> JSON? {
        try JSONataExpression(compiling: expression).evaluate(input: input, functions: lookups.functions)
    }

    func failure(_ expression: String, _ input: JSON? = nil) -> JSONataError? {
        do { _ = try evaluate(expression, input); return nil } catch { return error as? JSONataError }
    }

    @Test func translatesBothWaysWithTheTableDefault() throws {
        #expect(try evaluate(#"$lookup("shipping-codes", method)"#, ["method": "express"]) == "DHL-EXP")
        #expect(try evaluate(#"$lookup("shipping-codes", method)"#, ["method": "drone"]) == "STD")
        #expect(try evaluate(#"$lookup("strict", "y", "reverse")"#) == "c")
        #expect(try evaluate(#"$lookup("shipping-codes", 3)"#) == "three", "a number is matched as its text")
        #expect(try evaluate(#"$lookup("shipping-codes", items.m)"#, ["items": [["m": "express"], ["m": "x"]]]) == ["DHL-EXP", "STD"])
        #expect(try evaluate(#"$lookup("shipping-codes", missing)"#, ["a": 1]) == nil, "undefined passes through")
    }

    @Test func failuresNameTheTableAndTheValue() {
        let noMatch = failure(#"$lookup("strict", "zzz")"#)
        #expect(noMatch?.code == "L1002")
        #expect(noMatch?.message == "lookup 'strict' has no row whose left value is 'zzz' and no default")
        #expect(failure(#"$lookup("nope", "a")"#)?.message == "no lookup table named 'nope'")
        #expect(failure(#"$lookup("strict", "x", "reverse")"#)?.code == "L1003")
        #expect(failure(#"$lookup("strict", "a", "sideways")"#)?.code == "L1004")
        #expect(failure(#"$lookup(42, "a")"#)?.code == "L1004")
        #expect(failure(#"$lookup("strict", {"a": 1})"#)?.code == "L1004")
    }

    @Test func theScanFindsLiteralNamesAndFlagsDynamicOnes() {
        #expect(
            LookupReferences(scanning: #"fields: { carrier: '$lookup("shipping-codes", m)', w: "$lookup(\"wh\", w, 'reverse')" }"#)
                == LookupReferences(names: ["shipping-codes", "wh"]))
        #expect(LookupReferences(scanning: "$lookup( 'a-b' , x)") == LookupReferences(names: ["a-b"]))
        #expect(LookupReferences(scanning: "$lookup($table, x)").dynamic)
        #expect(LookupReferences(scanning: "$f := $lookup; $f('a', x)").dynamic)
        #expect(LookupReferences(scanning: "$sum(items.price)").isEmpty)
        #expect(RunLookups.none.functions.isEmpty)
    }
}
