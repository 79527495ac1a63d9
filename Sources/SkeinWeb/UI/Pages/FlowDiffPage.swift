import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/flows/{id}/diff?from=1&to=2` (`to` absent: the draft, or the latest version): two versions
/// side by side, shape by shape (`FlowDiff`: matched by id across the whole tree, each added,
/// removed, changed, moved or unchanged), then the top-level keys that differ.
struct FlowDiffPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let flowID = context.parameters.get("flow") ?? ""
        let query = request.uri.queryParameters
        guard let from = query.get("from").flatMap(Int.init), from >= 1 else { throw APIError.invalid("from", "from (a version, from 1) is required") }
        let to = query.get("to").flatMap { $0.isEmpty ? nil : Int($0) }
        let drafting = FlowDrafting(store: ui.store, catalog: ui.services.catalog)
        let diff: FlowDiff
        do { diff = try await drafting.diff(flowID, from: from, to: to) } catch let error as FlowDraftError {
            throw APIError(error.code == .notFound ? .notFound : .invalidFlow, error.message)
        }
        let back = "/flows/\(Link.segment(flowID))"
        let target = to.map { "v\($0)" } ?? "the draft"
        func side(_ side: FlowDiff.ShapeSide?) -> HTML {
            guard let side else { return "<span class=\"muted\">—</span>" }
            return
                "<div class=\"muted mono\">\(side.path)</div><pre class=\"payload\">\(FlowSourceView.redacted(side.shape, for: identity.role).serialized(.pretty))</pre>"
        }
        let rows = HTML.join(
            diff.shapes.map { entry in
                """
                <tr class="diff-\(entry.change.rawValue)" id="diff-\(entry.id)"><td><b class="mono">\(entry.id)</b><div>\(Format.badge(entry.change.rawValue))</div></td>
                <td>\(side(entry.from))</td><td>\(side(entry.to))</td></tr>
                """
            })
        let keys = HTML.join(
            diff.keys.map { key in
                """
                <tr><td class="mono">\(key.key)</td><td><pre class="payload">\(key.from.map { FlowSourceView.redacted($0, for: identity.role).serialized(.pretty) } ?? "(absent)")</pre></td>
                <td><pre class="payload">\(key.to.map { FlowSourceView.redacted($0, for: identity.role).serialized(.pretty) } ?? "(absent)")</pre></td></tr>
                """
            })
        let content: HTML = """
            <p class="muted"><a href="/flows">Flows</a> / <a href="\(back)">\(flowID)</a></p>
            <h1>v\(from) → \(target)</h1>
            <p id="diff-summary">\(diff.isEmpty ? "The two are the same flow (comments and formatting aside)." : "\(diff.shapes.filter { $0.change != .unchanged }.count) shape(s) differ, \(diff.keys.count) top-level key(s).")</p>
            <div class="table-scroll"><table class="grid diff" id="diff-shapes"><thead><tr><th>Shape</th><th>v\(from)</th><th>\(target)</th></tr></thead><tbody>\(rows)</tbody></table></div>
            \(diff.keys.isEmpty ? HTML.empty : "<h2>Flow settings</h2><div class=\"table-scroll\"><table class=\"grid diff\" id=\"diff-keys\"><thead><tr><th>Key</th><th>v\(from)</th><th>\(target)</th></tr></thead><tbody>\(keys)</tbody></table></div>")
            """
        return UIController.html(Layout(title: "\(flowID): v\(from) → \(target)", section: .flows, identity: identity).render(content))
    }
}
