/// Number-to-text conversions that reproduce JavaScript's output exactly,
/// because jsonata-js builds its formatted strings from them.
///
/// - `string(_:)` is `Number.prototype.toString()`: `1e21` -> `"1e+21"`,
///   `0.000001` -> `"0.000001"`, `1e-7` -> `"1e-7"`, `100` -> `"100"`.
/// - `string(_:radix:)` is `Number.prototype.toString(radix)` for integral values.
/// - `fixed(_:digits:)` is `Number.prototype.toFixed(digits)`, which rounds the
///   exact binary value half-up (`(1.005).toFixed(2)` is `"1.00"`, `(2.5).toFixed(0)` is `"3"`).
/// - `round(_:precision:)` is JSONata's `$round` (half to even, decimal shifting via text).
enum JSNumberText {

    /// The shortest round-trip decimal digits of a finite, non-zero magnitude and the
    /// position `n` of the decimal point, so that `value = 0.d1d2...dk × 10^n`.
    private static func shortestDigits(_ magnitude: Double) -> (digits: [UInt8], pointPosition: Int) {
        // Swift's description yields the shortest digits that round-trip, choosing the
        // closest one when several exist — the same digits ECMAScript requires.
        let text = magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fractionPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = (integerPart + fractionPart).map { UInt8($0.asciiValue! - 48) }
        var point = integerPart.count + exponent
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == 0 {
            digits.removeLast()
        }
        return (digits, point)
    }

    /// JavaScript `String(value)` for a number.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let (digits, n) = shortestDigits(Swift.abs(value))
        let k = digits.count
        let text = digits.map { String($0) }.joined()
        if k <= n && n <= 21 {
            return sign + text + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            let split = text.index(text.startIndex, offsetBy: n)
            return sign + text[..<split] + "." + text[split...]
        }
        if -6 < n && n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + text
        }
        let e = n - 1
        let mantissa = k == 1 ? text : String(text.prefix(1)) + "." + text.dropFirst()
        return sign + mantissa + "e" + (e >= 0 ? "+" : "-") + String(Swift.abs(e))
    }

    /// JavaScript `value.toString(radix)`, for values that are already integral
    /// (as `$formatBase` guarantees). Digits beyond double precision follow V8,
    /// which writes zeros for the positions the double cannot represent.
    static func string(_ value: Double, radix: Int) -> String {
        if radix == 10 || !value.isFinite { return string(value) }
        if value == 0 { return "0" }
        let chars = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var integer = Swift.abs(value).rounded(.towardZero)
        let r = Double(radix)
        var out: [Character] = []
        // Past 2^53 the division steps are no longer exact; V8 emits zeros there.
        while (integer / r).exponent >= 53 {
            integer /= r
            out.append("0")
        }
        repeat {
            let remainder = integer.truncatingRemainder(dividingBy: r)
            out.append(chars[Int(remainder)])
            integer = (integer - remainder) / r
        } while integer > 0
        return (value < 0 ? "-" : "") + String(out.reversed())
    }

    /// JavaScript `Math.round`: halves round towards +∞.
    static func mathRound(_ x: Double) -> Double {
        if !x.isFinite { return x }
        let down = x.rounded(.down)
        return x - down >= 0.5 ? down + 1 : down
    }

    /// JSONata `$round(arg, precision)`: round half to even at `precision` decimal places,
    /// shifting the decimal point through the JS text form to avoid binary artefacts.
    /// `round(2.5)` is `2`, `round(3.5)` is `4`, `round(1.005, 2)` is `1` ... as in jsonata-js.
    static func round(_ arg: Double, precision: Int = 0) -> Double {
        var value = arg
        if precision != 0 {
            value = shift(value, by: precision)
        }
        var result = mathRound(value)
        let diff = result - value
        if Swift.abs(diff) == 0.5 && Swift.abs(result.truncatingRemainder(dividingBy: 2)) == 1 {
            result -= 1
        }
        if precision != 0 {
            result = shift(result, by: -precision)
        }
        if result == 0 { result = 0 }  // no negative zero
        return result
    }

    /// `+(mantissa + 'e' + (exponent + places))` applied to the JS text of `value`.
    ///
    /// The text is the shortest decimal `m × 10^e` that reads back as `value`, and reading
    /// `m × 10^(e + places)` back is a correctly rounded conversion. When `m` is below 2^53
    /// and `|e + places| ≤ 22` both `m` and the power of ten are exact doubles, so one
    /// multiplication or division (itself correctly rounded) gives the same double without any
    /// text (Clinger's fast path). Otherwise `m` and the new exponent are read back as text,
    /// which is the same conversion without building the JavaScript text first.
    static func shift(_ value: Double, by places: Int) -> Double {
        guard let (digits, exponent, negative) = shortestDecimal(value) else { return shiftThroughText(value, by: places) }
        let scale = exponent + places
        if digits < 1 << 53 {
            let mantissa = negative ? -Double(digits) : Double(digits)
            if scale >= 0 && scale <= 22 { return mantissa * exactPowersOfTen[scale] }
            if scale < 0 && scale >= -22 { return mantissa / exactPowersOfTen[-scale] }
        }
        return Double((negative ? "-" : "") + String(digits) + "e" + String(scale)) ?? .nan
    }

    /// `shift` done literally, through the JS text (kept for the cases the fast path cannot
    /// take, and as the reference the fast path is tested against).
    static func shiftThroughText(_ value: Double, by places: Int) -> Double {
        let text = string(value)
        let parts = text.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let exponent = parts.count > 1 ? (Int(parts[1]) ?? 0) + places : places
        return Double(parts[0] + "e" + String(exponent)) ?? .nan
    }

    /// 10^0 ... 10^22, every one exactly representable as a double.
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    /// `value` as `±digits × 10^exponent` with the shortest digits that read back as `value`
    /// (those of `string(value)`); `nil` when the value is not finite.
    private static func shortestDecimal(_ value: Double) -> (digits: UInt64, exponent: Int, negative: Bool)? {
        guard value.isFinite else { return nil }
        if value == 0 { return (0, 0, false) }
        // whole numbers below 2^53 are their own shortest digits (trailing zeros aside,
        // which do not change the number digits × 10^exponent denotes)
        if value == value.rounded(.towardZero) && Swift.abs(value) < 9_007_199_254_740_992 {
            return (UInt64(Swift.abs(value)), 0, value < 0)
        }
        var digits: UInt64 = 0
        var exponent = 0
        var count = 0
        var afterPoint = false
        var negative = false
        var exponentPart: Int?
        var exponentNegative = false
        // Swift's description has the same shortest digits as ECMAScript (see `shortestDigits`),
        // at most 17 of them: `-12.5`, `0.001`, `1e-07`, `1.2345e+20`
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte &- UInt8(ascii: "0"))
                if let part = exponentPart {
                    exponentPart = part * 10 + digit
                    if part > 1000 { return nil }
                } else {
                    if count == 0 && digit == 0 {
                        if afterPoint { exponent -= 1 }
                        continue
                    }
                    count += 1
                    if count > 19 { return nil }
                    digits = digits * 10 + UInt64(digit)
                    if afterPoint { exponent -= 1 }
                }
            case UInt8(ascii: "."): afterPoint = true
            case UInt8(ascii: "-"):
                if exponentPart != nil { exponentNegative = true } else { negative = true }
            case UInt8(ascii: "+"): continue
            case UInt8(ascii: "e"), UInt8(ascii: "E"): exponentPart = 0
            default: return nil
            }
        }
        if let exponentPart { exponent += exponentNegative ? -exponentPart : exponentPart }
        return (digits, exponent, negative)
    }

    /// JavaScript `Number.prototype.toFixed(digits)`.
    static func fixed(_ value: Double, digits: Int) -> String {
        if !value.isFinite { return string(value) }
        if Swift.abs(value) >= 1e21 { return string(value) }
        let negative = value < 0
        let (decimal, scale) = exactDecimal(Swift.abs(value))
        // n = round-half-up(|value| × 10^digits) as a digit string
        var n: [UInt8]
        if digits >= scale {
            n = decimal + [UInt8](repeating: 0, count: digits - scale)
        } else {
            let drop = scale - digits
            if drop > decimal.count {
                n = [0]
            } else {
                n = Array(decimal[0..<(decimal.count - drop)])
                if decimal[decimal.count - drop] >= 5 {
                    // propagate the carry
                    var i = n.count - 1
                    var carry = true
                    while carry && i >= 0 {
                        if n[i] == 9 { n[i] = 0; i -= 1 } else { n[i] += 1; carry = false }
                    }
                    if carry { n.insert(1, at: 0) }
                }
                if n.isEmpty { n = [0] }
            }
        }
        while n.count > 1 && n.first == 0 { n.removeFirst() }
        var text = n.map { String($0) }.joined()
        if digits > 0 {
            if text.count <= digits {
                text = String(repeating: "0", count: digits + 1 - text.count) + text
            }
            let split = text.index(text.endIndex, offsetBy: -digits)
            text = text[..<split] + "." + text[split...]
        }
        return (negative ? "-" : "") + text
    }

    /// The exact decimal expansion of a finite non-negative double: the digits of
    /// `value × 10^scale` (an integer) and `scale`.
    private static func exactDecimal(_ value: Double) -> (digits: [UInt8], scale: Int) {
        if value == 0 { return ([0], 0) }
        var significand: UInt64
        var exponent: Int
        if value.exponentBitPattern == 0 {
            significand = value.significandBitPattern
            exponent = -1074
        } else {
            significand = value.significandBitPattern | (1 << 52)
            exponent = Int(value.exponentBitPattern) - 1075
        }
        while significand & 1 == 0 && exponent < 0 {
            significand >>= 1
            exponent += 1
        }
        // Little-endian limbs in base 10^9.
        var limbs: [UInt64] = []
        var s = significand
        while s > 0 { limbs.append(s % 1_000_000_000); s /= 1_000_000_000 }
        func multiply(_ factor: UInt64) {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let product = limbs[i] * factor + carry
                limbs[i] = product % 1_000_000_000
                carry = product / 1_000_000_000
            }
            while carry > 0 { limbs.append(carry % 1_000_000_000); carry /= 1_000_000_000 }
        }
        var scale = 0
        if exponent >= 0 {
            var remaining = exponent
            while remaining > 0 { let step = Swift.min(remaining, 30); multiply(1 << UInt64(step)); remaining -= step }
        } else {
            // value = significand / 2^k = significand × 5^k / 10^k
            var remaining = -exponent
            scale = remaining
            while remaining > 0 {
                let step = Swift.min(remaining, 13)
                var p: UInt64 = 1
                for _ in 0..<step { p *= 5 }
                multiply(p)
                remaining -= step
            }
        }
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return (text.map { UInt8($0.asciiValue! - 48) }, scale)
    }

    /// JavaScript `parseInt(text)` (radix 10): optional leading whitespace and sign,
    /// then the longest run of ASCII digits; `NaN` when there is none.
    static func parseInt(_ text: Substring) -> Double {
        var scalars = Substring.UnicodeScalarView(text.unicodeScalars)
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars.removeFirst()
        }
        var digits = ""
        for scalar in scalars {
            guard scalar.value >= 0x30 && scalar.value <= 0x39 else { break }
            digits.unicodeScalars.append(scalar)
        }
        guard !digits.isEmpty, let magnitude = Double(digits) else { return .nan }
        return negative ? -magnitude : magnitude
    }

    static func parseInt(_ text: String) -> Double { parseInt(Substring(text)) }
}
