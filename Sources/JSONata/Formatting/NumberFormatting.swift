/// `$formatNumber` and `$formatBase`, as implemented by jsonata-js
/// (XPath F&O 3.1 `format-number`, with JSONata's options object in place of a
/// decimal-format declaration).
enum NumberFormatting {

    /// The decimal-format properties and their defaults; `options` overrides them by name.
    static let defaultProperties: [String: String] = [
        "decimal-separator": ".",
        "grouping-separator": ",",
        "exponent-separator": "e",
        "infinity": "Infinity",
        "minus-sign": "-",
        "NaN": "NaN",
        "percent": "%",
        "per-mille": "\u{2030}",
        "zero-digit": "0",
        "digit": "#",
        "pattern-separator": ";",
    ]

    /// `$formatNumber(value, picture, options?)`.
    ///
    /// Picture syntax (default characters; each can be changed through `options`):
    /// - `0`–`9` mandatory digits (the family starting at `zero-digit`), `#` optional digits;
    /// - `.` decimal separator, `,` grouping separator (positions are kept; regular
    ///   spacing repeats: `#,##0` groups every three digits);
    /// - `e` exponent separator followed by exponent digits (`00.000e0`);
    /// - `%` multiplies by 100, `‰` by 1000 (once per sub-picture);
    /// - `;` separates the positive sub-picture from an optional negative one
    ///   (otherwise negatives get `minus-sign` in front);
    /// - any other characters before/after the digits are a literal prefix/suffix.
    ///
    /// Examples: `format(12345.6, picture: "#,###.00", options: nil)` → `"12,345.60"`;
    /// `format(1234.5678, picture: "00.000e0", options: nil)` → `"12.346e2"`;
    /// `format(0.14, picture: "01%", options: nil)` → `"14%"`;
    /// `format(-6, picture: "000", options: nil)` → `"-006"`.
    /// Invalid pictures throw `D3080`–`D3093`. Rounding is half-to-even, as `$round`.
    /// `NaN` and infinities (which JSONata values never hold) give the `NaN` and
    /// `infinity` properties, with prefix/suffix for the latter, as F&O prescribes.
    static func format(_ value: Double, picture: String, options: [String: String]?) throws -> String {
        var properties = defaultProperties
        options?.forEach { properties[$0.key] = $0.value }
        let formatter = try NumberPicture(picture: picture, properties: properties)
        return formatter.format(value)
    }

    /// `$formatBase(value, radix?)`: the value rounded half-to-even (as `$round`) and
    /// written in base `radix` (2...36, default 10, itself rounded), lower-case digits.
    /// `formatBase(100, radix: 2)` → `"1100100"`, `formatBase(-100, radix: 36)` → `"-2s"`;
    /// a radix outside 2...36 throws `D3100`.
    static func formatBase(_ value: Double, radix: Double?) throws -> String {
        let rounded = JSNumberText.round(value)
        var base = 10.0
        if let radix { base = JSNumberText.round(radix) }
        guard base >= 2 && base <= 36 else {
            throw FormattingError.code("D3100", JSNumberText.string(base))
        }
        return JSNumberText.string(rounded, radix: Int(base))
    }
}

/// Text as UTF-16 code units: jsonata-js indexes pictures by JavaScript string
/// positions, and mirroring that keeps every edge case identical.
private typealias Units = [UInt16]

private extension Array where Element == UInt16 {
    init(_ string: String) { self = Array(string.utf16) }
    var text: String { String(decoding: self, as: UTF16.self) }

    func index(of needle: Units, from start: Int = 0) -> Int? {
        if needle.isEmpty { return Swift.min(Swift.max(start, 0), count) }
        guard needle.count <= count else { return nil }
        var i = Swift.max(start, 0)
        while i + needle.count <= count {
            if self[i] == needle[0] && Array(self[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    func lastIndex(of needle: Units) -> Int? {
        if needle.isEmpty { return count }
        guard needle.count <= count else { return nil }
        var i = count - needle.count
        while i >= 0 {
            if Array(self[i..<(i + needle.count)]) == needle { return i }
            i -= 1
        }
        return nil
    }

    func contains(_ needle: Units) -> Bool { index(of: needle) != nil }

    func sub(_ from: Int, _ to: Int? = nil) -> Units {
        // JavaScript substring: clamp and swap
        var a = Swift.min(Swift.max(from, 0), count)
        var b = Swift.min(Swift.max(to ?? count, 0), count)
        if a > b { swap(&a, &b) }
        return Array(self[a..<b])
    }
}

/// An analysed `format-number` picture (both sub-pictures).
private struct NumberPicture {
    struct Variables {
        var integerPartGroupingPositions: [Int]
        var regularGrouping: Int
        var minimumIntegerPartSize: Int
        var scalingFactor: Int
        var prefix: Units
        var fractionalPartGroupingPositions: [Int]
        var minimumFractionalPartSize: Int
        var maximumFractionalPartSize: Int
        var minimumExponentSize: Int
        var suffix: Units
        var picture: Units
    }

    struct Parts {
        var prefix: Units
        var suffix: Units
        var activePart: Units
        var mantissaPart: Units
        var exponentPart: Units?
        var integerPart: Units
        var fractionalPart: Units
        var subpicture: Units
    }

    let decimalSeparator: Units
    let groupingSeparator: Units
    let exponentSeparator: Units
    let minusSign: Units
    let zeroDigit: Units
    let digit: Units
    let percent: Units
    let perMille: Units
    let infinity: Units
    let notANumber: Units
    let digitFamily: [UInt16]
    let activeChars: [Units]
    var variables: [Variables] = []

    init(picture: String, properties: [String: String]) throws {
        func prop(_ name: String) -> Units { Units(properties[name] ?? "") }
        decimalSeparator = prop("decimal-separator")
        groupingSeparator = prop("grouping-separator")
        exponentSeparator = prop("exponent-separator")
        minusSign = prop("minus-sign")
        zeroDigit = prop("zero-digit")
        digit = prop("digit")
        percent = prop("percent")
        perMille = prop("per-mille")
        infinity = prop("infinity")
        notANumber = prop("NaN")
        let zero = zeroDigit.first ?? 0x30
        digitFamily = (0..<10).map { zero &+ UInt16($0) }
        activeChars = digitFamily.map { [$0] } + [decimalSeparator, exponentSeparator, groupingSeparator, digit, prop("pattern-separator")]

        let subPictures = Self.split(Units(picture), by: prop("pattern-separator"))
        if subPictures.count > 2 { throw FormattingError.code("D3080") }
        let parts = subPictures.map(splitParts)
        for part in parts { try validate(part) }
        variables = parts.map(analyse)
        if variables.count == 1 {
            var negative = variables[0]
            negative.prefix = minusSign + negative.prefix
            variables.append(negative)
        }
    }

    /// JavaScript `String.prototype.split(separator)`.
    static func split(_ units: Units, by separator: Units) -> [Units] {
        if separator.isEmpty { return units.map { [$0] } }
        var result: [Units] = []
        var start = 0
        while let found = units.index(of: separator, from: start) {
            result.append(units.sub(start, found))
            start = found + separator.count
        }
        result.append(units.sub(start))
        return result
    }

    private func isActive(_ unit: UInt16) -> Bool { activeChars.contains([unit]) }
    private func isDigit(_ unit: UInt16) -> Bool { digitFamily.contains(unit) }
    private func isOptionalDigit(_ unit: UInt16) -> Bool { digit == [unit] }
    private func isExponent(_ unit: UInt16) -> Bool { exponentSeparator == [unit] }

    private func splitParts(_ subpicture: Units) -> Parts {
        var prefix: Units = []
        if let first = subpicture.firstIndex(where: { isActive($0) && !isExponent($0) }) {
            prefix = subpicture.sub(0, first)
        }
        var suffix: Units = []
        if let last = subpicture.lastIndex(where: { isActive($0) && !isExponent($0) }) {
            suffix = subpicture.sub(last + 1)
        }
        let activePart = subpicture.sub(prefix.count, subpicture.count - suffix.count)
        var mantissaPart = activePart
        var exponentPart: Units?
        if let position = subpicture.index(of: exponentSeparator, from: prefix.count),
            position <= subpicture.count - suffix.count
        {
            mantissaPart = activePart.sub(0, position)
            exponentPart = activePart.sub(position + 1)
        }
        var integerPart = mantissaPart
        var fractionalPart = suffix
        if let decimal = mantissaPart.index(of: decimalSeparator) {
            integerPart = mantissaPart.sub(0, decimal)
            fractionalPart = mantissaPart.sub(decimal + 1)
        }
        return Parts(
            prefix: prefix, suffix: suffix, activePart: activePart, mantissaPart: mantissaPart,
            exponentPart: exponentPart, integerPart: integerPart, fractionalPart: fractionalPart,
            subpicture: subpicture)
    }

    /// F&O 4.7.3; like jsonata-js, the last failing rule decides the error code.
    private func validate(_ parts: Parts) throws {
        var error: String?
        let sub = parts.subpicture
        let decimalPos = sub.index(of: decimalSeparator)
        if decimalPos != sub.lastIndex(of: decimalSeparator) { error = "D3081" }
        if sub.index(of: percent) != sub.lastIndex(of: percent) { error = "D3082" }
        if sub.index(of: perMille) != sub.lastIndex(of: perMille) { error = "D3083" }
        if sub.contains(percent) && sub.contains(perMille) { error = "D3084" }
        if !parts.mantissaPart.contains(where: { isDigit($0) || isOptionalDigit($0) }) { error = "D3085" }
        if parts.activePart.contains(where: { !isActive($0) }) { error = "D3086" }
        if let decimalPos {
            let before = decimalPos - 1 >= 0 ? [sub[decimalPos - 1]] : []
            let after = decimalPos + 1 < sub.count ? [sub[decimalPos + 1]] : []
            if before == groupingSeparator || after == groupingSeparator { error = "D3087" }
        } else if let last = parts.integerPart.last, [last] == groupingSeparator {
            error = "D3088"
        }
        if sub.contains(groupingSeparator + groupingSeparator) { error = "D3089" }
        if let optional = parts.integerPart.index(of: digit),
            parts.integerPart.sub(0, optional).contains(where: isDigit)
        {
            error = "D3090"
        }
        if let optional = parts.fractionalPart.lastIndex(of: digit),
            parts.fractionalPart.sub(optional).contains(where: isDigit)
        {
            error = "D3091"
        }
        if let exponent = parts.exponentPart {
            if !exponent.isEmpty && (sub.contains(percent) || sub.contains(perMille)) { error = "D3092" }
            if exponent.isEmpty || exponent.contains(where: { !isDigit($0) }) { error = "D3093" }
        }
        if let error { throw FormattingError.code(error) }
    }

    /// F&O 4.7.4.
    private func analyse(_ parts: Parts) -> Variables {
        func groupingPositions(_ part: Units, toLeft: Bool) -> [Int] {
            var positions: [Int] = []
            var position = part.index(of: groupingSeparator)
            while let p = position {
                let side = toLeft ? part.sub(0, p) : part.sub(p)
                positions.append(side.filter { isDigit($0) || isOptionalDigit($0) }.count)
                // jsonata-js searches the integer part for the next one, even for the fraction
                position = parts.integerPart.index(of: groupingSeparator, from: p + 1)
            }
            return positions
        }
        let integerPositions = groupingPositions(parts.integerPart, toLeft: false)
        let regular = IntegerPicture.regularInterval(positions: integerPositions)
        let fractionalPositions = groupingPositions(parts.fractionalPart, toLeft: true)

        var minimumIntegerPartSize = parts.integerPart.filter(isDigit).count
        let scalingFactor = minimumIntegerPartSize
        var minimumFractionalPartSize = parts.fractionalPart.filter(isDigit).count
        var maximumFractionalPartSize = parts.fractionalPart.filter { isDigit($0) || isOptionalDigit($0) }.count
        let exponentPresent = parts.exponentPart != nil
        if minimumIntegerPartSize == 0 && maximumFractionalPartSize == 0 {
            if exponentPresent {
                minimumFractionalPartSize = 1
                maximumFractionalPartSize = 1
            } else {
                minimumIntegerPartSize = 1
            }
        }
        if exponentPresent && minimumIntegerPartSize == 0 && parts.integerPart.contains(digit) {
            minimumIntegerPartSize = 1
        }
        if minimumIntegerPartSize == 0 && minimumFractionalPartSize == 0 {
            minimumFractionalPartSize = 1
        }
        let minimumExponentSize = parts.exponentPart?.filter(isDigit).count ?? 0
        return Variables(
            integerPartGroupingPositions: integerPositions, regularGrouping: regular,
            minimumIntegerPartSize: minimumIntegerPartSize, scalingFactor: scalingFactor,
            prefix: parts.prefix, fractionalPartGroupingPositions: fractionalPositions,
            minimumFractionalPartSize: minimumFractionalPartSize,
            maximumFractionalPartSize: maximumFractionalPartSize,
            minimumExponentSize: minimumExponentSize, suffix: parts.suffix, picture: parts.subpicture)
    }

    /// `Math.abs(value).toFixed(dp)` in the picture's digit family.
    private func makeString(_ value: Double, _ dp: Int) -> Units {
        var units = Units(JSNumberText.fixed(Swift.abs(value), digits: dp))
        if zeroDigit != [0x30] {
            units = units.map { $0 >= 0x30 && $0 <= 0x39 ? digitFamily[Int($0 - 0x30)] : $0 }
        }
        return units
    }

    func format(_ value: Double) -> String {
        if value.isNaN { return notANumber.text }
        let pic = value >= 0 ? variables[0] : variables[1]
        if value.isInfinite { return (pic.prefix + infinity + pic.suffix).text }

        var adjusted = value
        if pic.picture.contains(percent) {
            adjusted = value * 100
        } else if pic.picture.contains(perMille) {
            adjusted = value * 1000
        }
        var mantissa = adjusted
        var exponent: Int?
        if pic.minimumExponentSize != 0 {
            let maxMantissa = pow10(pic.scalingFactor)
            let minMantissa = pow10(pic.scalingFactor - 1)
            var e = 0
            if mantissa != 0 {
                while Swift.abs(mantissa) < minMantissa { mantissa *= 10; e -= 1 }
                while Swift.abs(mantissa) > maxMantissa { mantissa /= 10; e += 1 }
            }
            exponent = e
        }
        let rounded = JSNumberText.round(mantissa, precision: pic.maximumFractionalPartSize)
        var s = makeString(rounded, pic.maximumFractionalPartSize)
        if let dot = s.firstIndex(of: 0x2E) {
            s = s.sub(0, dot) + decimalSeparator + s.sub(dot + 1)
        } else {
            s += decimalSeparator
        }
        if zeroDigit.count == 1 {
            while s.first == zeroDigit[0] { s.removeFirst() }
            while s.last == zeroDigit[0] { s.removeLast() }
        }
        var decimalPos = s.index(of: decimalSeparator) ?? -1
        let padLeft = pic.minimumIntegerPartSize - decimalPos
        let padRight = pic.minimumFractionalPartSize - (s.count - decimalPos - 1)
        if padLeft > 0 { s = Array(repeating: zeroDigit, count: padLeft).flatMap { $0 } + s }
        if padRight > 0 { s += Array(repeating: zeroDigit, count: padRight).flatMap { $0 } }
        decimalPos = s.index(of: decimalSeparator) ?? -1
        if pic.regularGrouping > 0 {
            let groupCount = (decimalPos - 1) / pic.regularGrouping
            if groupCount >= 1 {
                for group in 1...groupCount {
                    let at = decimalPos - group * pic.regularGrouping
                    s = s.slice(0, at) + groupingSeparator + s.slice(at)
                }
            }
        } else {
            for position in pic.integerPartGroupingPositions {
                let at = decimalPos - position
                s = s.slice(0, at) + groupingSeparator + s.slice(at)
                decimalPos += 1
            }
        }
        decimalPos = s.index(of: decimalSeparator) ?? -1
        for position in pic.fractionalPartGroupingPositions {
            let at = position + decimalPos + 1
            s = s.slice(0, at) + groupingSeparator + s.slice(at)
        }
        decimalPos = s.index(of: decimalSeparator) ?? -1
        if !pic.picture.contains(decimalSeparator) || decimalPos == s.count - 1 {
            s = s.sub(0, s.count - 1)
        }
        if let exponent {
            var exponentText = makeString(Double(exponent), 0)
            let pad = pic.minimumExponentSize - exponentText.count
            if pad > 0 { exponentText = Array(repeating: zeroDigit, count: pad).flatMap { $0 } + exponentText }
            s = s + exponentSeparator + (exponent < 0 ? minusSign : []) + exponentText
        }
        return (pic.prefix + s + pic.suffix).text
    }

    private func pow10(_ n: Int) -> Double {
        var result = 1.0
        if n >= 0 { for _ in 0..<n { result *= 10 } } else { for _ in 0..<(-n) { result /= 10 } }
        return result
    }
}

private extension Array where Element == UInt16 {
    /// JavaScript `Array.prototype.slice` / `String.prototype.slice` (negative = from end).
    func slice(_ from: Int, _ to: Int? = nil) -> Units {
        func clamp(_ i: Int) -> Int { i < 0 ? Swift.max(count + i, 0) : Swift.min(i, count) }
        let a = clamp(from)
        let b = clamp(to ?? count)
        return a < b ? Array(self[a..<b]) : []
    }
}
