import Testing

@testable import JSONata

/// `$round` shifts the decimal point through JavaScript's text of a number; the fast path does
/// the same with one exact multiplication or division. Both must give the same double.
@Suite("Decimal shift for $round")
struct DecimalShiftTests {
    /// A fixed pseudo-random sequence (SplitMix64), so a failure can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func fastPathMatchesTheTextOnManyValues() {
        var random = SplitMix(state: 21)
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 2.5, 1.005, 1.015, 0.1, 0.2, 0.3, 123.456, 1e-7, 1e21, 1e22, 1e23,
            9_007_199_254_740_991, 9_007_199_254_740_992, 4.35, 8.345, 1.0e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        ]
        for _ in 0..<20_000 {
            // prices and quantities (two decimals), arbitrary doubles, and products of the two
            let cents = Double(Int.random(in: -10_000_000...10_000_000, using: &random)) / 100
            let any = Double(bitPattern: random.next())
            let scaled = Double.random(in: -1...1, using: &random) * Double(sign: .plus, exponent: Int.random(in: -80...80, using: &random), significand: 1)
            values += [cents, cents * Double(Int.random(in: 1...9, using: &random)), scaled]
            if any.isFinite { values.append(any) }
        }
        var mismatches: [String] = []
        for value in values {
            for places in [-25, -23, -22, -3, -2, -1, 1, 2, 3, 10, 15, 22, 23, 30] {
                let fast = JSNumberText.shift(value, by: places)
                let text = JSNumberText.shiftThroughText(value, by: places)
                if fast.bitPattern != text.bitPattern && !(fast == 0 && text == 0) && !(fast.isNaN && text.isNaN) {
                    mismatches.append("\(value) by \(places): \(fast) vs \(text)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test(arguments: [
        (2.5, 0, 2.0), (3.5, 0, 4.0), (-2.5, 0, -2.0), (1.005, 2, 1.0), (1.015, 2, 1.02), (4.35, 1, 4.4),
        (8.345, 2, 8.34), (12345.0, -2, 12300.0), (12350.0, -2, 12400.0), (0.125, 2, 0.12), (-0.5, 0, 0.0),
    ])
    func roundsHalfToEvenThroughTheDecimalText(_ value: Double, _ precision: Int, _ expected: Double) {
        let rounded = JSNumberText.round(value, precision: precision)
        #expect(rounded == expected)
        #expect(rounded.sign == .plus || rounded != 0)
    }
}
