public import SkeinCore

/// Reads a stored flow version's text back into its definition, for both backends.
///
/// A deployed version's text never changes (a deploy stores a new version), so a decoded
/// definition can be reused for as long as the process lives: parsing YAML costs far more
/// than the row read, and the webhook path and every worker read a flow per run (a quarter of
/// webhook intake's time went to re-parsing before this cache; docs/benchmarks.md, scenario 2).
/// Entries are keyed by flow id and version and checked against the text itself, so two
/// stores in one process (tests, tools) holding different texts under the same key never mix.
///
/// Definitions are read with the permissive catalog: storage never rejects a flow a newer
/// build deployed; the engine re-checks shapes against the full catalog when it runs them.
public enum StoredFlowDecoder {
    /// Beyond this many cached versions the cache starts again (flows are few; this bounds memory).
    static let capacity = 512

    private struct Key: Hashable { var flowID: String; var version: Int }
    private struct Entry { var source: String; var definition: FlowDefinition }
    private static let cache = LockedValue<[Key: Entry]>([:])

    /// The definition of `flowID`'s `version`, whose stored text is `source`.
    public static func definition(flowID: String, version: Int, source: String) throws(StorageError) -> FlowDefinition {
        let key = Key(flowID: flowID, version: version)
        if let entry = cache.withLock({ $0[key] }), entry.source == source { return entry.definition }
        let definition: FlowDefinition
        do {
            definition = try FlowFile.decode(source, source: "flow '\(flowID)'", catalog: ShapeCatalog.permissive)
        } catch {
            throw StorageError(.corrupt, "stored flow '\(flowID)' no longer reads: \(error)")
        }
        cache.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(source: source, definition: definition)
        }
        return definition
    }
}
