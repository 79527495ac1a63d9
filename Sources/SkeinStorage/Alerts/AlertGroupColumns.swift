import SkeinJSON

/// How the disk backends keep a group's addresses and URLs: one JSON array of strings per column.
public enum AlertGroupColumns {
    public static func list(_ values: [String]) -> String { JSON.array(values.map(JSON.string)).serialized() }

    public static func parse(_ text: String) throws -> [String] {
        guard case .array(let items)? = try? JSON(parsing: text) else {
            throw StorageError(.corrupt, "a stored alert group list is not a JSON array")
        }
        return items.compactMap(\.stringValue)
    }
}
