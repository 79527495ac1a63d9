import Hummingbird
import SkeinOperations
import SkeinStorage

/// `/flows/{id}/text`: the flow's draft as text (YAML stays YAML, comments and all; JSON stays
/// JSON) in CodeMirror, checked as you type, with Save draft, Discard draft and Deploy for
/// builders; read-only for operators and viewers. `/drafts/new` is the same editor for a new
/// flow's first draft (its text names the flow). The page is a shell: skein.js (`flowText()`)
/// reads and writes the draft through the drafts API (`GET/PUT/DELETE /api/v1/flows/{id}/draft`,
/// `POST /api/v1/drafts`, `POST /api/v1/flows/validate`, `POST /api/v1/flows/{id}/draft/deploy`)
/// with the session's cookie and CSRF token, so the page and the API cannot disagree.
struct FlowTextPage {
    let ui: UIController
    let identity: Identity

    static let stylesheets = ["/assets/codemirror/codemirror.css", "/assets/codemirror/lint.css"]
    static let scripts = [
        "/assets/codemirror/codemirror.js", "/assets/codemirror/yaml.js",
        "/assets/codemirror/javascript.js", "/assets/codemirror/lint.js",
    ]

    /// A new flow's first draft starts from this text.
    static let newFlowTemplate = """
        # A new flow: give it an id, a trigger and its shapes (docs/flows.md).
        id: my-new-flow
        name: My new flow
        trigger: manual
        shapes:
          - id: check
            assert: { condition: '$exists($)', message: nothing came in }

        """

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let flowID = context.parameters.get("flow") ?? ""
        let hasVersion = try await ui.store.flow(id: flowID, version: nil) != nil
        let back = "/flows/\(Link.segment(flowID))"
        let heading: HTML = hasVersion ? "<a href=\"\(back)\">\(flowID)</a> as text" : "\(flowID) as text (not deployed yet)"
        return page(title: "\(flowID) · text", heading: heading, flowID: flowID, initial: nil, request: request)
    }

    func newFlow(_ request: Request) async throws -> Response {
        page(title: "New flow", heading: "New flow", flowID: nil, initial: Self.newFlowTemplate, request: request)
    }

    private func page(title: String, heading: HTML, flowID: String?, initial: String?, request: Request) -> Response {
        let canEdit = identity.role >= .builder
        let buttons: HTML =
            canEdit
            ? """
            <button type="button" id="save-draft">Save draft</button>\
            \(flowID == nil ? HTML.empty : "<button type=\"button\" class=\"secondary\" id=\"discard-draft\">Discard draft</button><button type=\"button\" id=\"deploy-draft\">Deploy</button>")
            """ : "<span class=\"muted\" id=\"read-only\">Read-only: builders edit and deploy.</span>"
        let content: HTML = """
            <div class="toolbar"><h1>\(heading)</h1><span class="spacer"></span>\(buttons)</div>
            <p class="lead" id="draft-state">Loading…</p>
            <div id="flow-text-box" data-flow="\(flowID ?? "")" data-editable="\(canEdit ? "true" : "false")">
            <textarea id="flow-text" spellcheck="false" rows="24" aria-label="The flow file's text"\(canEdit ? HTML.empty : " readonly")>\(initial ?? "")</textarea>
            </div>
            <div class="notice error" role="alert" id="draft-error" hidden></div>
            <div class="notice" role="status" id="draft-notice" hidden></div>
            <h2>Problems</h2>
            <ul id="problems" class="problems"><li class="muted">Checking…</li></ul>
            """
        let messages = UIController.messages(request)
        return UIController.html(
            Layout(
                title: title, section: .flows, identity: identity, notice: messages.notice, error: messages.error,
                stylesheets: Self.stylesheets, scripts: Self.scripts
            ).render(content))
    }
}
