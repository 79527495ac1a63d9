import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinStorage

extension FlowPage {
    /// A flow never deployed, for a builder: its draft on the canvas, with Deploy as v1. A flow
    /// from nothing has no shapes yet ("a flow needs at least one shape"): the canvas starts empty
    /// and "Add at the start" adds the first.
    func draftOnly(_ draft: FlowDraft, request: Request) async throws -> Response {
        var definition: FlowDefinition?
        var problems: [FlowProblem] = []
        do { definition = try FlowFile.decode(draft.source, catalog: ui.services.catalog) } catch {
            problems = error.problems
            if case .object(var document)? = try? FlowFile.document(from: draft.source), document["shapes"] == .array([]) {
                // Read the rest of the flow (its trigger) as if it had one shape, then draw none.
                document["shapes"] = [["id": "placeholder", "split": [:]]]
                if var read = try? FlowDecoder(catalog: ui.services.catalog).decode(.object(document)) {
                    read.shapes = []
                    definition = read
                }
            }
        }
        let editor = FlowCanvasEditor(
            flowID: draft.flowID, draft: draft, draftProblems: definition == nil ? problems : [], latestVersion: 0,
            editable: true)
        let canvas: HTML =
            definition.map { FlowCanvas(definition: $0, editable: true, role: identity.role).render() }
            ?? "<p class=\"muted\">The draft does not read as a flow yet.</p>"
        let content: HTML = """
            <p class="muted"><a href="/flows">Flows</a></p>
            <div class="toolbar"><h1>\(definition?.name ?? draft.flowID)</h1>\(Format.badge("draft"))</div>
            <p class="muted">Flow id <span class="mono">\(draft.flowID)</span> — never deployed; it runs once you deploy the draft as v1.</p>
            \(problems.isEmpty ? HTML.empty : "<ul class=\"error-text\" id=\"draft-flow-problems\">\(HTML.join(problems.map { "<li>\($0.description)</li>" }))</ul>")
            <h2>Canvas (draft)</h2>
            \(editor.bar())
            \(canvas)
            \(editor.drawer())
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(
            Layout(title: definition?.name ?? draft.flowID, section: .flows, identity: identity, notice: notice, error: error).render(content))
    }
}
