import Foundation

/// Base64 and URL encoding, as JavaScript's `btoa`/`atob` and `encodeURIComponent` & co.
enum EncodingFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("base64encode", "<s-:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            try evaluator.checkString((text.utf8.count + 2) / 3 * 4)
            let scalars = text.unicodeScalars
            let bytes: [UInt8] = scalars.allSatisfy { $0.value <= 0xFF } ? scalars.map { UInt8($0.value) } : Array(text.utf8)
            return .string(Data(bytes).base64EncodedString())
        },
        NativeFunction("base64decode", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            var padded = text
            while padded.count % 4 != 0 { padded += "=" }
            guard let data = Data(base64Encoded: padded) else { return .string("") }
            if let utf8 = String(data: data, encoding: .utf8) { return .string(utf8) }
            var scalars = String.UnicodeScalarView()
            for byte in data { scalars.append(Unicode.Scalar(byte)) }
            return .string(String(scalars))
        },
        NativeFunction("encodeUrlComponent", "<s-:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            try evaluator.checkString(text.utf8.count * 3)  // at most three bytes out for one in
            return .string(try encode(text, keep: unreserved, function: "encodeUrlComponent"))
        },
        NativeFunction("encodeUrl", "<s-:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            try evaluator.checkString(text.utf8.count * 3)  // at most three bytes out for one in
            return .string(try encode(text, keep: unreserved.union(reserved), function: "encodeUrl"))
        },
        NativeFunction("decodeUrlComponent", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            return .string(try decode(text, preserve: [], function: "decodeUrlComponent"))
        },
        NativeFunction("decodeUrl", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            return .string(try decode(text, preserve: reserved, function: "decodeUrl"))
        },
    ]

    static let unreserved: Set<UInt8> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
    static let reserved: Set<UInt8> = Set(";/?:@&=+$,#".utf8)

    static func malformed(_ text: String, _ function: String) -> EvalError {
        let error = EvalError("D3140", value: .string(text))
        error.functionName = function
        return error
    }

    static func encode(_ text: String, keep: Set<UInt8>, function: String) throws(EvalError) -> String {
        // a lone surrogate cannot be encoded; it reaches us as U+FFFD
        if text.unicodeScalars.contains("\u{FFFD}") { throw malformed(text, function) }
        var output = ""
        for byte in text.utf8 {
            if keep.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    static func decode(_ text: String, preserve: Set<UInt8>, function: String) throws(EvalError) -> String {
        let units = Array(text.utf8)
        var bytes: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < units.count {
            if units[i] == UInt8(ascii: "%") {
                guard i + 2 < units.count, let high = hex(units[i + 1]), let low = hex(units[i + 2]) else {
                    throw malformed(text, function)
                }
                let byte = high << 4 | low
                if byte < 0x80 && preserve.contains(byte) {
                    bytes.append(contentsOf: units[i...(i + 2)])
                } else {
                    bytes.append(byte)
                }
                i += 3
            } else {
                bytes.append(units[i])
                i += 1
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw malformed(text, function) }
        return decoded
    }
}
