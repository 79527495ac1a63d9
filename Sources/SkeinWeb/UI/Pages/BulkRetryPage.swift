import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/runs/retry`: the confirmation of "Retry failed runs" on the run logs. It shows the runs of
/// the run logs' filters by status, the failed ones not yet retried or replayed (what would be
/// retried, oldest first), and the version to run them on; the "Retry" button (POST
/// `/runs/retry`, with a one-time action token) starts them. Nothing runs before that.
struct BulkRetryPage {
    let ui: UIController
    let identity: Identity

    /// The run logs' filters a bulk retry takes (the status is always failure).
    static let filterNames = ["trigger", "flow", "from", "to"]

    /// Runs listed by id on the page; the count covers the rest.
    static let listed = 50

    func response(_ request: Request) async throws -> Response {
        try Permission.operate.require(identity)
        let filters = Self.filterNames.compactMap { name in request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : (name, $0) } }
        let preview = try await ui.operations.recovery.previewRetry(identity, Inputs(pairs: filters))
        let back = Link("/runs", [("status", "failure")] + filters.map { ($0.0, Optional($0.1)) }).description
        let tiles = HTML.join(
            RunStatus.allCases.map { status in
                "<div class=\"count \(status.rawValue)\" data-status=\"\(status.rawValue)\"><b>\(preview.byStatus[status] ?? 0)</b><span>\(status.rawValue.replacingOccurrences(of: "_", with: " "))</span></div>"
            })
        let runs = preview.toRetry.prefix(Self.listed).map { run -> HTML in "<a href=\"/runs/\(run.id)\">\(run.id)</a>" }
        let more: HTML = preview.toRetry.count > Self.listed ? " and \(preview.toRetry.count - Self.listed) more" : HTML.empty
        let flows = Set(preview.toRetry.map(\.flowID)).sorted()
        let hidden = HTML.join(
            (filters + [(ActionTokens.field, ui.operations.actionTokens.issue())]).map {
                "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">"
            })
        let form: HTML =
            preview.toRetry.isEmpty
            ? "<p class=\"muted\">No failed run of these filters is waiting for a retry; nothing would run.</p>"
            : """
            <form method="post" action="/runs/retry" id="bulk-retry-form">
              \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: back))\(hidden)
              <fieldset><legend>Run them on</legend>
                <label class="check"><input type="radio" name="version" value="latest" checked> the latest deployed version of \(flows.count == 1 ? "the flow" : "each flow")</label>
                <label class="check"><input type="radio" name="version" value="ran"> the version each run ran</label>
              </fieldset>
              <div class="toolbar"><button type="submit" id="confirm-bulk-retry">Retry \(preview.toRetry.count) failed run\(preview.toRetry.count == 1 ? "" : "s")</button>
              <a class="button secondary" href="\(back)">Cancel</a></div>
            </form>
            """
        let content: HTML = """
            <p class="muted"><a href="\(back)">← Run logs</a></p>
            <h1>Retry failed runs?</h1>
            <p class="lead" id="bulk-retry-summary">Retries <b id="bulk-retry-count">\(preview.toRetry.count)</b> failed run\(preview.toRetry.count == 1 ? "" : "s") not yet retried or replayed, each from its failed step, oldest first.</p>
            <h2>Runs of these filters by status</h2>
            <div class="counts" id="bulk-retry-counts">\(tiles)</div>
            \(runs.isEmpty ? HTML.empty : "<p id=\"bulk-retry-runs\">Would retry runs \(HTML(trusted: runs.map(\.text).joined(separator: ", ")))\(more).</p>" as HTML)
            \(form)
            """
        return UIController.html(Layout(title: "Retry failed runs", section: .runs, identity: identity).render(content))
    }
}
