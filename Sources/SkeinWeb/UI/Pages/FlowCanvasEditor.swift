import SkeinCore
import SkeinStorage

/// What a builder gets around the canvas: the draft bar (whose draft, from which version,
/// Deploy / Discard) and the settings drawer the page script (`CanvasScript`) fills with a form
/// generated from the shape's spec. Other roles get the drawer read-only (no edit controls; the
/// server refuses their edits anyway).
struct FlowCanvasEditor {
    let flowID: String
    let draft: FlowDraft?
    /// The draft's problems when it does not read as a flow (the canvas then shows the latest version).
    let draftProblems: [FlowProblem]
    let latestVersion: Int
    let editable: Bool

    func bar() -> HTML {
        guard editable else {
            return "<p class=\"muted\" id=\"canvas-readonly\">Click a shape to see its settings (read-only).</p>"
        }
        let addFirst: HTML = """
            <div class="toolbar" id="add-first-bar"><label for="add-first-type">Add at the start of the flow</label><select id="add-first-type"></select>
            <button type="button" class="secondary small" id="add-first">Add…</button></div>
            """
        let problems: HTML =
            draftProblems.isEmpty
            ? HTML.empty
            : """
            <div class="notice error" id="draft-problems">The draft does not read as a flow, so the canvas shows v\(latestVersion): \(draftProblems.prefix(3).map(\.description).joined(separator: "; "))</div>
            """
        guard let draft else {
            return """
                <div class="toolbar" id="draft-bar"><p class="muted">Click a shape to change it. Edits go into a draft; the deployed v\(latestVersion) keeps running until you deploy.</p></div>\(addFirst)
                """
        }
        return """
            \(problems)<div class="toolbar draft-bar" id="draft-bar"><span>\(Format.badge("draft")) Draft saved by <b>\(draft.updatedBy)</b> at \(Format.time(draft.updatedAt)), started from \(draft.baseVersion.map { "v\($0)" } ?? "nothing").</span>
            <span class="spacer"></span>            <button type="button" class="secondary small" id="draft-discard">Discard draft</button><button type="button" id="draft-deploy">Deploy as v\(latestVersion + 1)</button>
            <p class="error-text" role="alert" id="draft-error" hidden></p></div>\(addFirst)
            """
    }

    /// The settings drawer, filled by the script for the shape clicked.
    func drawer() -> HTML {
        """
        <dialog id="shape-drawer" class="drawer" data-flow="\(flowID)" data-editable="\(editable ? "true" : "false")">
          <form method="dialog" id="shape-form" novalidate>
            <div class="toolbar"><h2 id="drawer-title">Shape</h2><span class="spacer"></span><button type="button" class="secondary small" data-close>Close</button></div>
            <p class="muted" id="drawer-summary"></p>
            <ul class="error-text" role="alert" id="drawer-problems" hidden></ul>
            <div id="drawer-fields"></div>
            <section id="shape-preview" aria-live="polite" hidden></section>
            <div class="toolbar" id="drawer-actions"></div>
          </form>
        </dialog>
        """
    }
}
