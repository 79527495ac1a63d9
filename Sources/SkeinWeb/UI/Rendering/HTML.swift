import SkeinCore

/// A fragment of HTML. Everything interpolated into it is escaped unless it is itself `HTML`,
/// so data (flow names, payloads, error messages) can never become markup: writing
/// `"<td>\(run.error)</td>"` as `HTML` is safe by construction.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var text: String

    /// Markup written by us (never data): the only way around escaping.
    init(trusted text: String) { self.text = text }

    init(stringLiteral value: String) { self.text = value }

    init(stringInterpolation: StringInterpolation) { self.text = stringInterpolation.text }

    static let empty = HTML(trusted: "")

    var description: String { text }

    /// The fragments one after the other.
    static func join(_ parts: some Sequence<HTML>) -> HTML { HTML(trusted: parts.map(\.text).joined()) }

    /// `text` with `& < > " '` replaced by entities: safe in element content and in quoted attributes.
    static func escape(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + interpolationCount * 16) }

        mutating func appendLiteral(_ literal: String) { text += literal }
        mutating func appendInterpolation(_ html: HTML) { text += html.text }
        mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { text += part.text } }
        mutating func appendInterpolation(_ value: some StringProtocol) { text += HTML.escape(value) }
        mutating func appendInterpolation(_ value: (some StringProtocol)?) { if let value { text += HTML.escape(value) } }
        mutating func appendInterpolation(_ value: some BinaryInteger) { text += String(value) }
        mutating func appendInterpolation(_ id: some NumericID) { text += id.description }
    }
}
