import OrderedCollections

/// A JSON value, the currency every shape, expression and store in Skein deals in.
///
/// Objects keep their keys in the order they were written, so a mapped order comes
/// out with its fields where a person put them. Numbers are IEEE doubles, as in
/// JavaScript and JSONata; integers up to 2^53 round-trip exactly.
///
/// ```swift
/// let order = try JSON(parsing: #"{"id": 1042, "lines": [{"sku": "A-1", "qty": 2}]}"#)
/// order["lines"]?[0]?["sku"]    // .string("A-1")
/// order.serialized()            // {"id":1042,"lines":[{"sku":"A-1","qty":2}]}
/// ```
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object(Object)

    /// An object's members, in insertion order.
    public typealias Object = OrderedDictionary<String, JSON>
}

extension JSON {
    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSON? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The kind of value, as a person would name it in an error message.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: Object? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension JSON: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Object(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSON: CustomStringConvertible {
    /// The compact JSON text of this value.
    public var description: String { serialized() }
}
