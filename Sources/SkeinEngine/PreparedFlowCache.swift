import SkeinCore
import SkeinStorage

/// The flows an executor has already read with the full catalog and prepared (every shape's
/// executor built, every expression compiled), by flow id and version.
///
/// A deployed version never changes, so preparing it once serves every later run of it: a
/// webhook-driven flow no longer parses its YAML and compiles its JSONata for each run. An
/// entry is used only when the stored text is the one it was prepared from; a flow that fails
/// to prepare is not cached, so each run reports the problem itself.
final class PreparedFlowCache: Sendable {
    /// Beyond this many prepared versions the cache starts again (flows are few; this bounds memory).
    static let capacity = 256

    private struct Key: Hashable { var flowID: String; var version: Int }
    private struct Entry: Sendable { var source: String; var prepared: RunExecutor.PreparedFlow }
    private let entries = LockedValue<[Key: Entry]>([:])

    /// `deployed` prepared, from the cache or by `prepare` (whose result is then kept).
    func prepared(
        _ deployed: DeployedFlow,
        by prepare: (DeployedFlow) throws -> RunExecutor.PreparedFlow
    ) throws -> RunExecutor.PreparedFlow {
        let key = Key(flowID: deployed.flowID, version: deployed.version)
        if let entry = entries.withLock({ $0[key] }), entry.source == deployed.source { return entry.prepared }
        let prepared = try prepare(deployed)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(source: deployed.source, prepared: prepared)
        }
        return prepared
    }
}
