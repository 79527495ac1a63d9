public import SkeinCore

extension FlowDrafting {
    /// A draft after edits: the saved draft, and the ids of the shapes the edits added.
    public struct Edited: Sendable {
        public var working: Working
        public var addedShapes: [String]
    }

    /// Applies canvas edits (`FlowEdit`) to the flow's draft — or, without one, to its latest
    /// version's text, which becomes the draft — and saves the result (callers check for builder).
    /// Edits that bring in a problem are refused with it, located as `skein flow validate` locates
    /// it (`shapes[3].map.fields`), or naming the edit (`edits[0].shape`); nothing is saved then.
    public func edit(_ flowID: String, _ edits: [FlowEdit], actor: String) async throws -> Edited {
        let current = try await working(flowID)
        let result: FlowEditor.Result
        do { result = try FlowEditor.apply(edits, to: current.source, catalog: catalog) } catch {
            let first = error.problems.first.map { ": \($0)" } ?? ""
            throw FlowDraftError(.invalidFlow, "the edits were not applied\(first)", problems: error.problems)
        }
        return Edited(working: try await save(flowID, text: result.text, actor: actor), addedShapes: result.addedShapes)
    }
}
