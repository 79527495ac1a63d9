import SkeinCore
import SkeinStorage

/// The flows an executor has already read with the full catalog and prepared (every shape's
/// executor built, every expression compiled), by flow id and version.
///
/// A deployed version never changes — stores only ever add versions, never edit or delete
/// them — so (flow id, version) names one text for the life of the executor's store, and
/// preparing it once serves every later run of it: a webhook-driven flow neither parses its
/// YAML and compiles its JSONata for each run, nor reads its text back from the store. A flow
/// that fails to prepare is not cached, so each run reports the problem itself.
final class PreparedFlowCache: Sendable {
    /// Beyond this many prepared versions the cache starts again (flows are few; this bounds memory).
    static let capacity = 256

    private struct Key: Hashable { var flowID: String; var version: Int }
    private let entries = LockedValue<[Key: RunExecutor.PreparedFlow]>([:])

    /// Version `version` of `flowID`, when it was prepared before.
    func cached(flowID: String, version: Int) -> RunExecutor.PreparedFlow? {
        entries.withLock { $0[Key(flowID: flowID, version: version)] }
    }

    /// `deployed` prepared, from the cache or by `prepare` (whose result is then kept).
    func prepared(
        _ deployed: DeployedFlow,
        by prepare: (DeployedFlow) throws -> RunExecutor.PreparedFlow
    ) throws -> RunExecutor.PreparedFlow {
        let key = Key(flowID: deployed.flowID, version: deployed.version)
        if let prepared = entries.withLock({ $0[key] }) { return prepared }
        let prepared = try prepare(deployed)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = prepared
        }
        return prepared
    }
}
