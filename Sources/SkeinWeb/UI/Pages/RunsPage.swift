import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/runs`: the run logs, newest first, filtered by status, trigger, flow and date, paged by
/// keyset (`before` = the last run id shown), never by offset or a total count. A failed run a
/// later replay or retry recovered is marked with the run that did; the failure view
/// (`status=failure`) lists only the failures nothing recovered yet unless `unrecovered=false`.
struct RunsPage {
    let ui: UIController
    let identity: Identity

    static let pageSize = 50

    func response(_ request: Request) async throws -> Response {
        // The operations' one parser reads the filters: a status it does not know is an error
        // on the page, not a filter silently dropped.
        var parameters = Inputs(request)
        let unrecoveredChoice = parameters.string("unrecovered")
        if parameters.string("status")?.lowercased() == RunStatus.failure.rawValue && unrecoveredChoice == nil {
            parameters.set("unrecovered", "true")
        }
        let query = try RunFilter.query(parameters, now: ui.settings.now(), defaultLimit: Self.pageSize)
        let page = try await ui.operations.runs.list(identity, parameters, defaultLimit: Self.pageSize)
        let runs = page.runs
        let status = query.statuses.first, trigger = query.triggers.first, flow = query.flowID, before = query.before
        let from = parameters.string("from"), to = parameters.string("to")
        let flows = try await ui.operations.flows.list(identity).map(\.flowID)
        let base = Link(
            "/runs",
            [
                ("status", status?.rawValue), ("trigger", trigger?.rawValue), ("flow", flow), ("from", from), ("to", to),
                ("unrecovered", unrecoveredChoice),
            ])
        let recovery =
            unrecoveredChoice == "false"
            ? "<option value=\"\">unrecovered only</option><option value=\"false\" selected>include recovered</option>"
            : "<option value=\"\" selected>unrecovered only</option><option value=\"false\">include recovered</option>"

        let filters: HTML = """
            <form class="filters" method="get" action="/runs">
              <label>Status \(Self.select("status", RunStatus.allCases.map(\.rawValue), selected: status?.rawValue))</label>
              <label>Trigger \(Self.select("trigger", TriggerKind.allCases.map(\.rawValue), selected: trigger?.rawValue))</label>
              <label>Flow \(Self.select("flow", flows, selected: flow))</label>
              <label title="With status failure: hide the failures a later replay or retry recovered">Failures <select name="unrecovered">\(HTML(trusted: recovery))</select></label>
              <label>From (UTC) <input type="date" name="from" value="\(from ?? "")"></label>
              <label>To (UTC) <input type="date" name="to" value="\(to ?? "")"></label>
              <button type="submit">Apply</button> <a class="button secondary" href="/runs">Clear</a>
            </form>
            """
        var pager: [HTML] = []
        if before != nil { pager.append("<a href=\"\(base.description)\">← Newest</a>") }
        if let next = page.nextBefore {
            pager.append("<a href=\"\(base.setting("before", String(next)).description)\" rel=\"next\">Older →</a>")
        }
        let content: HTML = """
            <div class="toolbar"><h1>Run logs</h1><span class="spacer"></span>\(bulkRetryLink(trigger: trigger?.rawValue, flow: flow, from: from, to: to))</div>
            \(filters)
            \(Self.table(runs, empty: query.unrecovered ? "No unrecovered failures match these filters." : "No runs match these filters.",
                         recoveredBy: page.recoveredBy))
            <div class="pager">\(pager)</div>
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Run logs", section: .runs, identity: identity, notice: notice, error: error).render(content))
    }

    /// "Retry failed runs…" for operators: opens the confirmation (`BulkRetryPage`) for the
    /// failed runs of these filters.
    func bulkRetryLink(trigger: String?, flow: String?, from: String?, to: String?) -> HTML {
        guard identity.role >= .operator else { return HTML.empty }
        let link = Link("/runs/retry", [("trigger", trigger), ("flow", flow), ("from", from), ("to", to)])
        return "<a class=\"button secondary\" id=\"bulk-retry\" href=\"\(link.description)\">Retry failed runs…</a>"
    }

    /// A `<select>` with an "any" first option.
    static func select(_ name: String, _ values: [String], selected: String?, any: String = "any") -> HTML {
        let options = HTML.join(
            values.map { value in
                value == selected
                    ? "<option value=\"\(value)\" selected>\(value.replacingOccurrences(of: "_", with: " "))</option>"
                    : "<option value=\"\(value)\">\(value.replacingOccurrences(of: "_", with: " "))</option>"
            })
        return "<select name=\"\(name)\"><option value=\"\">\(any)</option>\(options)</select>"
    }

    /// "recovered by run N", linking to the run that recovered a failure.
    static func recoveryMark(_ recoveredBy: RunID?) -> HTML {
        guard let recoveredBy else { return HTML.empty }
        return " <a class=\"badge badge-recovered\" href=\"/runs/\(recoveredBy)\">recovered by run \(recoveredBy)</a>"
    }

    /// The runs table used here, on the dashboard and on flow pages.
    static func table(_ runs: [RunRecord], empty: String, recoveredBy: [RunID: RunID] = [:]) -> HTML {
        guard !runs.isEmpty else { return "<p class=\"muted\">\(empty)</p>" }
        let rows = HTML.join(
            runs.map { run in
                let origin: HTML = run.originRunID.map { "<a href=\"/runs/\($0)\">\($0)</a>" } ?? "–"
                return """
                    <tr><td class="num"><a href="/runs/\(run.id)">\(run.id)</a></td>
                    <td><a href="/flows/\(Link.segment(run.flowID))">\(run.flowID)</a> <span class="muted">v\(run.flowVersion)</span></td>
                    <td>\(Format.badge(run.status.rawValue))\(run.hasWarnings ? Format.badge("warning") : HTML.empty)\(Self.recoveryMark(recoveredBy[run.id]))</td>
                    <td>\(run.trigger.rawValue)</td><td class="num">\(origin)</td>
                    <td>\(Format.time(run.queuedAt))</td><td class="num">\(Format.duration(from: run.startedAt, to: run.finishedAt))</td>
                    <td class="wrap error-text">\(run.error ?? "")</td></tr>
                    """
            })
        return """
            <div class="table-box"><table class="grid"><thead><tr><th class="num">Run</th><th>Flow</th><th>Status</th><th>Trigger</th><th class="num">From run</th>
            <th>Queued (UTC)</th><th class="num">Duration</th><th>Error</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
