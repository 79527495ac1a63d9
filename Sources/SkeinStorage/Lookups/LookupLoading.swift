public import SkeinCore

extension RunLookups {
    /// Reads the tables `references` names from `store`, for one run (or one `skein expr`, one
    /// playground evaluation), so each `$lookup` is then a dictionary read. References with a
    /// non-literal table name read every table. A table that does not exist is simply absent:
    /// the `$lookup` naming it fails with `L1001` where it is called.
    public static func load(_ references: LookupReferences, from store: any LookupStore) async throws -> RunLookups {
        guard !references.isEmpty else { return .none }
        let names = references.dynamic ? try await store.lookups().map(\.name) : references.names.sorted()
        var tables: [LookupTable] = []
        for name in names {
            if let table = try await store.lookup(named: name) { tables.append(table) }
        }
        return RunLookups(tables)
    }
}
