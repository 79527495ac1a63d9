import SkeinCore
import SkeinStorage

extension RunExecutor {
    /// Reads the lookup tables a flow's expressions name, once for this pick-up of a run
    /// (`RunLookups.load`). Every SkeinStore keeps lookup tables; a narrower test store runs without them.
    func loadLookups(_ references: LookupReferences) async throws -> RunLookups {
        guard let store = store as? any LookupStore else { return .none }
        return try await RunLookups.load(references, from: store)
    }
}
