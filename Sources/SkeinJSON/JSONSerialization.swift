extension JSON {
    /// How `serialized(_:)` lays out text.
    public enum Layout: Sendable {
        /// No insignificant whitespace, as JavaScript's `JSON.stringify(value)`.
        case compact
        /// Two-space indentation, as `JSON.stringify(value, null, 2)`.
        case pretty
    }

    /// The JSON text of this value. Numbers print as JavaScript prints them
    /// (`1`, `0.1`, `1e+21`, `1e-7`), so results match JSONata's reference implementation.
    public func serialized(_ layout: Layout = .compact) -> String {
        String(decoding: serializedBytes(layout), as: UTF8.self)
    }

    /// The UTF-8 bytes of `serialized(layout)`, written straight into a byte array (the way
    /// payloads are stored and sent; appending to a `String` piece by piece was several times slower).
    public func serializedBytes(_ layout: Layout = .compact) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output, layout: layout, indent: 0)
        return output
    }

    func write(to output: inout [UInt8], layout: Layout, indent: Int) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value): JSON.writeNumber(value, to: &output)
        case .string(let value): JSON.writeQuoted(value, to: &output)
        case .array(let elements):
            if elements.isEmpty { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if layout == .pretty { JSON.newline(&output, indent: indent + 1) }
                element.write(to: &output, layout: layout, indent: indent + 1)
            }
            if layout == .pretty { JSON.newline(&output, indent: indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in members {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if layout == .pretty { JSON.newline(&output, indent: indent + 1) }
                JSON.writeQuoted(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if layout == .pretty { output.append(UInt8(ascii: " ")) }
                value.write(to: &output, layout: layout, indent: indent + 1)
            }
            if layout == .pretty { JSON.newline(&output, indent: indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ output: inout [UInt8], indent: Int) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// A number as `format(number:)` writes it; whole numbers (most of them) without going through a `String`.
    static func writeNumber(_ value: Double, to output: inout [UInt8]) {
        guard value == value.rounded(), abs(value) <= 9.007_199_254_740_992e15, value != 0 || value.sign == .plus else {
            output.append(contentsOf: format(number: value).utf8)
            return
        }
        var magnitude = Int64(value).magnitude
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    /// Writes `string` as a JSON string literal into bytes, escaping what `JSON.stringify` escapes.
    /// Only ASCII bytes are ever escaped, so the bytes of other characters pass through as they are.
    public static func writeQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var clean = bytes.startIndex
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                clean = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): output.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): output.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Writes `string` as a JSON string literal, escaping what `JSON.stringify` escapes.
    public static func writeQuoted(_ string: String, to output: inout String) {
        output += "\""
        var needsEscape = false
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            output += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case "\u{08}": output += "\\b"
                case "\u{0C}": output += "\\f"
                case _ where scalar.value < 0x20:
                    let digits = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// Formats a number exactly as JavaScript's `Number.prototype.toString()` does:
    /// the shortest digits that round-trip, positional between 1e-7 and 1e21, exponential outside.
    public static func format(number value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e21 {
            if abs(value) <= 9.007_199_254_740_992e15 { return String(Int64(value)) }
        }
        // Swift's `description` has the same shortest round-trip digits; when it is positional
        // (no exponent: 1e-4 ≤ |value| < 2^53, and not an integer here) it is laid out as
        // JavaScript lays them out, so the common case (prices, totals) needs no re-layout.
        let text = value.description
        if !text.utf8.contains(UInt8(ascii: "e")) { return text }
        let (negative, digits, exponent) = shortestDigits(of: value)
        // JS algorithm: value = 0.d1d2...dk × 10^n
        let k = digits.count
        let n = exponent
        var result = negative ? "-" : ""
        if k <= n && n <= 21 {
            result += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            result += String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            result += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            result += String(digits.prefix(1))
            if k > 1 { result += "." + String(digits.dropFirst()) }
            result += "e" + (e >= 0 ? "+" : "-") + String(abs(e))
        }
        return result
    }

    /// Splits Swift's shortest round-trip representation into sign, significant digits and
    /// the exponent `n` such that the value is `0.digits × 10^n`.
    static func shortestDigits(of value: Double) -> (negative: Bool, digits: String, exponent: Int) {
        var text = abs(value).description  // e.g. "1.2345e-07", "123.45", "1e+16"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var integerPart = text
        var fractionPart = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = String(text[..<dot])
            fractionPart = String(text[text.index(after: dot)...])
        }
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, pointPosition)
    }
}
