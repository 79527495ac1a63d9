import SkeinJSON

/// Writes JSON values as YAML for the text an edit inserts into a YAML flow file: block style
/// (`key: value` lines, `- ` entries) where the surrounding text is block style, `{ … }`/`[ … ]`
/// inside flow style. A string is written plain only when YAML cannot read it as anything else
/// (`paid`, `Paid shop orders`, `customer.email`); otherwise double-quoted (`"*/5 * * * *"`, `"true"`, `"42"`).
enum YAMLRendering {
    /// A scalar, or a collection in flow style.
    static func flow(_ value: JSON) -> String {
        switch value {
        case .array(let elements): elements.isEmpty ? "[]" : "[" + elements.map(flow).joined(separator: ", ") + "]"
        case .object(let members): members.isEmpty ? "{}" : "{ " + members.map { "\(string($0.key)): \(flow($0.value))" }.joined(separator: ", ") + " }"
        default: scalar(value)
        }
    }

    /// Whether `value` is written on several lines in block style (a non-empty collection).
    static func isBlock(_ value: JSON) -> Bool {
        switch value {
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        default: false
        }
    }

    /// A non-empty collection in block style, to be placed at column `indent`: the first line
    /// carries no indentation (the caller puts it after `key:` + line break + indent, or after `- `),
    /// every further line is indented to `indent` or deeper. Scalars and empty collections come out in flow style.
    static func block(_ value: JSON, indent: Int) -> String {
        let pad = "\n" + String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            return members.map { member in
                let key = string(member.key) + ":"
                guard isBlock(member.value) else { return "\(key) \(flow(member.value))" }
                return key + pad + "  " + block(member.value, indent: indent + 2)
            }.joined(separator: pad)
        case .array(let elements) where !elements.isEmpty:
            return elements.map { "- " + block($0, indent: indent + 2) }.joined(separator: pad)
        default:
            return flow(value)
        }
    }

    static func scalar(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): bool ? "true" : "false"
        case .number(let number): JSON.format(number: number)
        case .string(let text): string(text)
        case .array, .object: flow(value)
        }
    }

    /// Words YAML 1.1 reads as booleans or null when written plain.
    static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    static func string(_ text: String) -> String {
        if isPlainSafe(text) { return text }
        var quoted = ""
        JSON.writeQuoted(text, to: &quoted)
        return quoted
    }

    /// Starts with a letter, then letters, digits, `_ - . /` and single inner spaces: never a
    /// number, date, boolean, null, comment, key or flow indicator.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
            !reserved.contains(text.lowercased()), !text.hasSuffix(" "), !text.contains("  ")
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-./ ".unicodeScalars.contains(scalar))
        }
    }
}
