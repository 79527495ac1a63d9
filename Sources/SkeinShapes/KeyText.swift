import SkeinJSON

/// Turns what a key expression gave into the text stored in a pool, a cache or the track index:
/// strings as they are, numbers as JavaScript prints them, anything else as compact JSON (so a
/// composite key `[sku, warehouse]` is `["AB-1","LEEDS"]`). Undefined and null are no key.
enum KeyText {
    static func text(_ value: JSON?) -> String? {
        switch value {
        case nil, .null?: nil
        case .string(let string)?: string
        case let other?: other.serialized()
        }
    }
}
