public import SkeinJSON

/// A dotted path into a JSON document, such as `customer.addresses[0].city` or `lines`.
///
/// Used where a shape names a place in a payload without a full expression: the array a
/// split walks, a simple map rule. `$` or an empty path means the whole document.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public let components: [Component]
    public let description: String

    /// Parses a path; throws a message naming the bad character when it is malformed.
    public init(_ text: String) throws(FieldPathError) {
        description = text
        var components: [Component] = []
        var current = ""
        var iterator = Array(text).makeIterator()
        var position = 0
        func flushKey() {
            if !current.isEmpty { components.append(.key(current)); current = "" }
        }
        if text == "$" || text.isEmpty {
            self.components = []
            return
        }
        while let character = iterator.next() {
            position += 1
            switch character {
            case ".":
                if current.isEmpty && (components.isEmpty || position == text.count) {
                    throw FieldPathError(path: text, message: "empty field name at character \(position)")
                }
                flushKey()
            case "[":
                flushKey()
                var digits = ""
                var closed = false
                while let next = iterator.next() {
                    position += 1
                    if next == "]" { closed = true; break }
                    digits.append(next)
                }
                guard closed, let index = Int(digits), index >= 0 else {
                    throw FieldPathError(path: text, message: "expected a non-negative index in [ ] at character \(position)")
                }
                components.append(.index(index))
            case "]":
                throw FieldPathError(path: text, message: "unexpected ']' at character \(position)")
            default:
                current.append(character)
            }
        }
        flushKey()
        self.components = components
    }

    /// The value at this path, or nil when any step is missing.
    public func value(in document: JSON) -> JSON? {
        var node = document
        for component in components {
            switch component {
            case .key(let key):
                guard let next = node[key] else { return nil }
                node = next
            case .index(let index):
                guard let next = node[index] else { return nil }
                node = next
            }
        }
        return node
    }

    /// Sets `value` at this path, creating objects (and padding arrays with null) on the way.
    public func set(_ value: JSON, in document: inout JSON) {
        FieldPath.set(value, components: components[...], in: &document)
    }

    private static func set(_ value: JSON, components: ArraySlice<Component>, in node: inout JSON) {
        guard let first = components.first else {
            node = value
            return
        }
        let rest = components.dropFirst()
        switch first {
        case .key(let key):
            var members = node.objectValue ?? [:]
            var child = members[key] ?? .null
            set(value, components: rest, in: &child)
            members[key] = child
            node = .object(members)
        case .index(let index):
            var elements = node.arrayValue ?? []
            while elements.count <= index { elements.append(.null) }
            set(value, components: rest, in: &elements[index])
            node = .array(elements)
        }
    }
}

public struct FieldPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "invalid path '\(path)': \(message)" }
}
