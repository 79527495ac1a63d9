import Testing

@testable import JSONata

// Examples from the JSONata documentation (date-time, numeric functions) and
// JavaScript number-printing behaviour that the formatting relies on.

@Suite("Documentation examples and JS number text")
struct ReferenceExamplesTests {
    /// 2018-03-23T10:33:36.617Z, a Friday
    static let friday = 1_521_801_216_617.0

    @Test(arguments: [
        ("[D01]/[M01]/[Y0001]", "23/03/2018"),
        ("[Y0001]-[M01]-[D01]", "2018-03-23"),
        ("[M01]/[D01]/[Y0001]", "03/23/2018"),
        ("[D#1]/[M#1]/[Y01]", "23/3/18"),
        ("[FNn], [D1o] [MNn] [Y]", "Friday, 23rd March 2018"),
        ("[FNn,3-3], [D1o] [MNn,3-3] [Y]", "Fri, 23rd Mar 2018"),
        ("[FN] [MN]", "FRIDAY MARCH"),
        ("[F] [F1]", "friday 5"),
        ("[h]:[m01][P]", "10:33am"),
        ("[h]:[m01][PN]", "10:33AM"),
        ("[H01]:[m01]:[s01].[f001]", "10:33:36.617"),
        ("[YI]", "MMXVIII"),
        ("[Yi]", "mmxviii"),
        ("[Dwo] [MNn]", "twenty-third March"),
        ("[DWwo] of [MNn], [YWw]", "Twenty-Third of March, Two Thousand and Eighteen"),
        ("[d001]", "082"),
        ("[W01] [w]", "12 4"),
        ("[Y,2]", "18"),
        ("[Z] [z] [Z0] [Z0000] [Z01:01t]", "+00:00 GMT+00:00 +0 +0000 Z"),
        ("[C] [E]", "ISO ISO"),
        ("[[[Y]]] ]]", "[2018] ]"),
        ("[ Y 0001 ]", "2018"),
    ])
    func formatDateTime(_ picture: String, _ expected: String) throws {
        #expect(try DateTimeFormatting.format(millis: Self.friday, picture: picture, timezone: nil) == expected)
    }

    @Test func formatDateTimeWithTimezone() throws {
        let millis = 1_510_067_557_121.0  // 2017-11-07T15:12:37.121Z
        #expect(try DateTimeFormatting.format(millis: millis, picture: nil, timezone: nil) == "2017-11-07T15:12:37.121Z")
        #expect(
            try DateTimeFormatting.format(millis: millis, picture: "[M01]/[D01]/[Y0001] [h#1]:[m01][P]", timezone: nil)
                == "11/07/2017 3:12pm")
        #expect(
            try DateTimeFormatting.format(millis: millis, picture: "[H01]:[m01]:[s01] [z]", timezone: "-0500")
                == "10:12:37 GMT-05:00")
        #expect(try DateTimeFormatting.format(millis: millis, picture: nil, timezone: "+0100") == "2017-11-07T16:12:37.121+01:00")
        #expect(try DateTimeFormatting.format(millis: 1, picture: nil, timezone: nil) == "1970-01-01T00:00:00.001Z")
        #expect(try DateTimeFormatting.format(millis: -1, picture: nil, timezone: nil) == "1969-12-31T23:59:59.999Z")
    }

    @Test(arguments: [
        ("[Y", "D3135"), ("[q]", "D3132"), ("[YN]", "D3133"), ("[Z00000]", "D3134"), ("[Mα]", "D3130"),
    ])
    func formatDateTimeErrors(_ picture: String, _ code: String) {
        #expect(throws: FormattingError.self) {
            try DateTimeFormatting.format(millis: 0, picture: picture, timezone: nil)
        }
        do {
            _ = try DateTimeFormatting.format(millis: 0, picture: picture, timezone: nil)
        } catch let error as FormattingError {
            #expect(error.code == code)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parseISO8601() throws {
        #expect(try DateTimeFormatting.parse("2017-11-07T15:07:54.972Z", picture: nil) == 1_510_067_274_972)
        #expect(try DateTimeFormatting.parse("2017-11-07", picture: nil) == 1_510_012_800_000)
        #expect(try DateTimeFormatting.parse("2017-11-07T15:07:54+01:00", picture: nil) == 1_510_063_674_000)
        #expect(throws: FormattingError.code("D3110", "2017/11/07")) {
            try DateTimeFormatting.parse("2017/11/07", picture: nil)
        }
    }

    @Test func parseDefaultsFromNow() throws {
        // month and day given: year from now (2019), time midnight
        let millis = try DateTimeFormatting.parse("03-27", picture: "[M01]-[D01]", now: 1_552_645_230_456)
        #expect(millis == 1_553_644_800_000)  // 2019-03-27T00:00:00Z
    }

    @Test(arguments: [
        (12345.6, "#,###.00", "12,345.60"),
        (34.555, "#0.00;(#0.00)", "34.56"),
        (-34.555, "#0.00;(#0.00)", "(34.56)"),
        (0.14, "01%", "14%"),
        (1234.5678, "00.000e0", "12.346e2"),
        (1e21, "0", "1e+21"),
        (0.5, "0", "0"),
        (1.5, "0", "2"),
        (2.5, "0", "2"),
        (-0.001, "0.00", "-0.00"),
    ])
    func formatNumber(_ value: Double, _ picture: String, _ expected: String) throws {
        #expect(try NumberFormatting.format(value, picture: picture, options: nil) == expected)
    }

    @Test func formatNumberOptions() throws {
        let european = ["decimal-separator": ",", "grouping-separator": "."]
        #expect(try NumberFormatting.format(1234567.891, picture: "#.##0,00", options: european) == "1.234.567,89")
        #expect(try NumberFormatting.format(-5, picture: "0", options: ["minus-sign": "−"]) == "−5")
        #expect(try NumberFormatting.format(3, picture: "0|0", options: ["pattern-separator": "|"]) == "3")
        #expect(throws: FormattingError.code("D3080")) {
            try NumberFormatting.format(1, picture: "0;0;0", options: nil)
        }
    }

    @Test(arguments: [
        (255.0, 16.0, "ff"), (-255, 16, "-ff"), (0.5, 2, "0"), (1.5, 2, "10"),
        (1_152_921_504_606_846_976, 2, "1" + String(repeating: "0", count: 60)), (1e21, 10, "1e+21"),
    ])
    func formatBase(_ value: Double, _ radix: Double, _ expected: String) throws {
        #expect(try NumberFormatting.formatBase(value, radix: radix) == expected)
    }

    @Test(arguments: [
        (2789.0, "w", "two thousand, seven hundred and eighty-nine"),
        (1999, "I", "MCMXCIX"),
        (0, "w", "zero"),
        (-12, "w", "-twelve"),
        (11, "0;o", "11th"),
        (1234, "#,##0;o", "1,234th"),
    ])
    func formatInteger(_ value: Double, _ picture: String, _ expected: String) throws {
        #expect(try IntegerFormatting.format(value, picture: picture) == expected)
    }

    @Test(arguments: [
        (1e21, "1e+21"), (123e-20, "1.23e-18"), (0.000001, "0.000001"), (1e-7, "1e-7"),
        (-0.0, "0"), (100, "100"), (0.1 + 0.2, "0.30000000000000004"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123_456_789_012_345_683_968, "123456789012345680000"),
    ])
    func jsString(_ value: Double, _ expected: String) {
        #expect(JSNumberText.string(value) == expected)
    }

    @Test(arguments: [
        (1.005, 2, "1.00"), (2.5, 0, "3"), (1.45, 1, "1.4"), (0.5, 0, "1"), (-1.5, 0, "-2"),
        (1e-10, 3, "0.000"), (123.456, 0, "123"), (0, 2, "0.00"), (1e20, 0, "100000000000000000000"),
        (0.000001, 7, "0.0000010"),
    ])
    func jsFixed(_ value: Double, _ digits: Int, _ expected: String) {
        #expect(JSNumberText.fixed(value, digits: digits) == expected)
    }

    @Test func jsonataRound() {
        #expect(JSNumberText.round(2.5) == 2)
        #expect(JSNumberText.round(3.5) == 4)
        #expect(JSNumberText.round(-0.5).sign == .plus)
        #expect(JSNumberText.round(1.005, precision: 2) == 1)
        #expect(JSNumberText.round(1.015, precision: 2) == 1.02)
        #expect(JSNumberText.round(34.555, precision: 2) == 34.56)
    }
}

@Suite("Edge cases do not trap")
struct EdgeCaseTests {
    @Test func invalidDatesFormatAsNaN() throws {
        // JavaScript's Date is invalid beyond ±8.64e15 ms; every component prints as NaN
        let text = try DateTimeFormatting.format(millis: 1e20, picture: "[Y0001]-[M01]-[D01] [d] [W] [w] [X] [x] [F] [MNn]", timezone: nil)
        #expect(text.hasPrefix("0NaN-NaN-NaN"))  // "0" pads the three-character "NaN" to four, as in JS
    }

    @Test func hugeValuesInRomanOrWordsThrowInsteadOfRecursingForever() {
        #expect(throws: FormattingError.self) { try IntegerFormatting.format(1e300, picture: "I") }
        #expect(throws: FormattingError.self) { try IntegerFormatting.format(.infinity, picture: "w") }
        #expect(throws: Never.self) { try IntegerFormatting.format(1e300, picture: "A") }
    }

    @Test func oddWidthsAndPicturesDoNotTrap() throws {
        _ = try DateTimeFormatting.format(millis: 0, picture: "[Y,99999999999999999999]", timezone: nil)
        _ = try DateTimeFormatting.format(millis: 0, picture: "[M,-99999999999999999999]", timezone: nil)
        #expect(try DateTimeFormatting.parse("2018\n", picture: "[Y]") == nil)
        #expect(throws: FormattingError.self) { try DateTimeFormatting.parse("2018\n", picture: nil) }
        #expect(try IntegerFormatting.parse("x", picture: "0;o").map { $0.isNaN } == true)
        #expect(try NumberFormatting.format(.nan, picture: "0", options: nil) == "NaN")
        #expect(try NumberFormatting.format(-.infinity, picture: "0", options: nil) == "-Infinity")
    }
}

@Suite("jsonata-js quirks reproduced")
struct QuirkTests {
    /// Irregular grouping wider than the number: jsonata-js's `substr` splice drops digits.
    @Test func irregularGroupingWiderThanTheNumber() throws {
        #expect(try IntegerFormatting.format(1234, picture: "##,##,##0") == ",4")
        #expect(try IntegerFormatting.format(12, picture: "#:###,##0") == ",:12")
    }

    /// `[f]` is parsed as a decimal fraction of a second, truncated to milliseconds.
    @Test func fractionalSecondsParseAsAFraction() throws {
        #expect(try DateTimeFormatting.parse("2018-01-01 00:00:00.5", picture: "[Y]-[M]-[D] [H]:[m]:[s].[f]") == 1_514_764_800_500)
    }
}
