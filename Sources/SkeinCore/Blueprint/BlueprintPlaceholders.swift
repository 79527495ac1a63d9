import Foundation
public import SkeinJSON

/// `{{name}}` placeholders in a blueprint's instance entries: which settings they name, and the
/// text with the user's values filled in. A blueprint's placeholders are filled once, at install,
/// so the instances store plain values (a flow's `{{variable}}` templates are a different thing,
/// filled at every run, and are left alone here because instances do not hold them).
public enum BlueprintPlaceholders {
    /// The names inside `{{…}}` in `text`, in order (spaces around a name are allowed).
    public static func names(in text: String) -> [String] {
        pieces(of: text).compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
    }

    /// The names used anywhere in the strings of `value` (keys are not templates).
    public static func names(in value: JSON) -> [String] {
        switch value {
        case .string(let text): names(in: text)
        case .array(let items): items.flatMap { names(in: $0) }
        case .object(let members): members.values.flatMap { names(in: $0) }
        default: []
        }
    }

    /// `text` with every placeholder replaced by its value (a name without a value stays as written).
    public static func fill(_ text: String, with values: [String: String]) -> String {
        pieces(of: text).map {
            switch $0 {
            case .text(let text): text
            case .placeholder(let name): values[name] ?? "{{\(name)}}"
            }
        }.joined()
    }

    /// Every string in `value` filled.
    public static func fill(_ value: JSON, with values: [String: String]) -> JSON {
        switch value {
        case .string(let text): .string(fill(text, with: values))
        case .array(let items): .array(items.map { fill($0, with: values) })
        case .object(let members): .object(members.mapValues { fill($0, with: values) })
        default: value
        }
    }

    enum Piece { case text(String), placeholder(String) }

    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            pieces.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
