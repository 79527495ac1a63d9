import Testing

@testable import SkeinJSON

@Suite struct JSONParserTests {
    @Test func parsesAnOrderKeepingFieldOrder() throws {
        let order = try JSON(
            parsing: #"{"id": 1042, "customer": {"email": "a@b.c"}, "lines": [{"sku": "A-1", "qty": 2, "price": 9.5}], "paid": true, "note": null}"#)
        #expect(order["id"] == .number(1042))
        #expect(order["lines"]?[0]?["sku"] == "A-1")
        #expect(order.objectValue.map { Array($0.keys) } == ["id", "customer", "lines", "paid", "note"])
        #expect(order.serialized() == #"{"id":1042,"customer":{"email":"a@b.c"},"lines":[{"sku":"A-1","qty":2,"price":9.5}],"paid":true,"note":null}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSON(parsing: #""tab\there \"q\" \u00e9 \ud83d\ude00 \/""#)
        #expect(value == .string("tab\there \"q\" é 😀 /"))
        #expect(value.serialized() == #""tab\there \"q\" é 😀 /""#)
    }

    /// Serialising writes bytes directly; what it writes must be what JSON.stringify writes,
    /// for control characters, quotes, backslashes, non-ASCII text and every kind of number.
    @Test func serialisesEscapesAndNumbersAsJavaScriptDoes() throws {
        let value: JSON = ["s": .string("a\u{01}b\u{1F}\u{08}\u{0C}\r\n\"\\ é 😀"), "n": [0, -0.0, 7, -42, 9007199254740992, 1e21, 0.1, -1.5e-7, 123.456]]
        let expected = #"{"s":"a\u0001b\u001f\b\f\r\n\"\\ é 😀","n":[0,0,7,-42,9007199254740992,1e+21,0.1,-1.5e-7,123.456]}"#
        #expect(value.serialized() == expected)
        #expect(value.serializedBytes() == Array(expected.utf8))
        #expect(try JSON(parsing: value.serializedBytes()) == value)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a member name"),
        ("[1, 2", 1, 6, "unexpected end of input inside an array"),
        ("{\n  \"a\": tru\n}", 2, 8, "expected a value"),
        ("[01]", 1, 3, "leading zeros"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("\"abc", 1, 5, "unterminated string"),
        ("[1] x", 1, 5, "after the JSON value"),
        ("", 1, 1, "empty"),
    ])
    func reportsWhereTheTextIsInvalid(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSON(parsing: text)
            Issue.record("expected \(text.debugDescription) to be rejected")
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSON(parsing: deep) }
        #expect((try? JSON(parsing: deep, maximumDepth: 1000)) != nil)
    }

    @Test func parsesBytes() throws {
        let bytes: [UInt8] = Array(#"[1,"two",{"three":3}]"#.utf8)
        #expect(try JSON(parsing: bytes) == [1, "two", ["three": 3]])
    }
}

@Suite struct JSONNumberFormattingTests {
    @Test(arguments: [
        (1.0, "1"), (-0.0, "0"), (0.1, "0.1"), (0.1 + 0.2, "0.30000000000000004"), (1e21, "1e+21"),
        (1e20, "100000000000000000000"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (123.456, "123.456"),
        (-42.0, "-42"), (9007199254740993.0, "9007199254740992"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (Double.leastNonzeroMagnitude, "5e-324"), (12345678.9, "12345678.9"), (-12.34, "-12.34"), (0.0001, "0.0001"),
        (0.00001, "0.00001"), (-0.00001234, "-0.00001234"), (4503599627370495.5, "4503599627370495.5"), (1e16 + 2, "10000000000000002"),
        (2e-7, "2e-7"), (1.25e22, "1.25e+22"),
    ])
    func printsNumbersAsJavaScriptDoes(value: Double, expected: String) {
        #expect(JSON.format(number: value) == expected)
    }

    @Test func prettyLayoutIndentsByTwoSpaces() {
        let value: JSON = ["a": [1, 2], "b": [:], "c": []]
        #expect(value.serialized(.pretty) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }
}
