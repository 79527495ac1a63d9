import SkeinCore
import Testing

@Suite struct LookupTests {
    let shipping = LookupTable(
        name: "shipping-codes", defaultValue: "STD",
        rows: [
            LookupRow(left: "Express", right: "DHL-EXP"),
            LookupRow(left: "Next day", right: "DPD-NEXT"),
        ])

    @Test func mapsBothWaysAndFallsBackToTheDefault() throws {
        let index = LookupIndex(shipping)
        #expect(try index.resolve("Express") == "DHL-EXP")
        #expect(try index.resolve("DPD-NEXT", direction: .reverse) == "Next day")
        #expect(try index.resolve("Pigeon") == "STD")
        #expect(try index.resolve("Pigeon", fallback: "MANUAL") == "MANUAL")
    }

    @Test func anUnmatchedValueWithoutDefaultNamesTableAndValue() {
        var table = shipping
        table.defaultValue = nil
        #expect(throws: LookupError.noMatch(table: "shipping-codes", value: "Pigeon", direction: .forward)) {
            try LookupIndex(table).resolve("Pigeon")
        }
        #expect(
            LookupError.noMatch(table: "shipping-codes", value: "Pigeon", direction: .forward).description
                == "lookup 'shipping-codes' has no row whose left value is 'Pigeon' and no default")
    }

    @Test func anAmbiguousReverseLookupIsAnError() {
        let table = LookupTable(name: "t", rows: [LookupRow(left: "a", right: "x"), LookupRow(left: "b", right: "x")])
        #expect(throws: LookupError.ambiguousReverse(table: "t", value: "x", lefts: ["a", "b"])) {
            try LookupIndex(table).resolve("x", direction: .reverse)
        }
    }

    @Test func namesAreChecked() {
        #expect(LookupLimits.problem(withName: "shipping-codes") == nil)
        #expect(LookupLimits.problem(withName: "") != nil)
        #expect(LookupLimits.problem(withName: "Shipping") != nil)
        #expect(LookupLimits.problem(withName: "-x") != nil)
        #expect(LookupLimits.problem(withName: String(repeating: "a", count: 65)) != nil)
    }

    @Test func csvRoundTripsQuotedFieldsAndLineBreaks() throws {
        let rows = [
            LookupRow(left: "a,b", right: "say \"hi\""),
            LookupRow(left: "two\nlines", right: ""),
            LookupRow(left: "=SUM(A1)", right: "plain"),
        ]
        let text = LookupCSV.format(rows)
        #expect(try LookupCSV.parse(Array(text.utf8)) == rows)
        let lf = "\u{FEFF}Left,Right\nExpress,DHL-EXP\n\nNext day,DPD-NEXT"
        #expect(try LookupCSV.parse(Array(lf.utf8)) == shipping.rows)
    }

    @Test func badCSVNamesTheLine() {
        func error(_ text: String, maxBytes: Int = LookupLimits.maxImportBytes) -> LookupCSV.ParseError? {
            do { _ = try LookupCSV.parse(Array(text.utf8), maxBytes: maxBytes); return nil } catch { return error }
        }
        #expect(error("left,right\na,1\nb,2,3\n")?.description == "line 3: expected 2 fields (left,right), found 3")
        #expect(error("left,right\na,1\n\"b\nc,2\n")?.description == "line 3: a quoted field is not closed")
        #expect(error("left,right\na,1\na,2\n")?.description == "line 3: left value 'a' already given on line 2")
        #expect(error("code,name\na,1\n")?.line == 1)
        #expect(error("left,right\n,1\n")?.description == "line 2: the left value cannot be empty")
        #expect(error("left,right\na\"b,1\n")?.line == 2)
        #expect(error("")?.description == "the CSV is empty: expected the header 'left,right'")
        #expect(error("left,right\na,1\n", maxBytes: 10)?.line == 0)
    }

    @Test func mergeAddsAndUpdatesButNeverDeletes() {
        var table = shipping
        let counts = table.merge([
            LookupRow(left: "Express", right: "UPS-EXP"),
            LookupRow(left: "Next day", right: "DPD-NEXT"),
            LookupRow(left: "Click and collect", right: "STORE"),
        ])
        #expect(counts == LookupMergeCounts(added: 1, updated: 1, unchanged: 1))
        #expect(table.rows.map(\.right) == ["UPS-EXP", "DPD-NEXT", "STORE"])
    }
}
