import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/flows`: every deployed flow with its latest version, trigger, state and latest run.
struct FlowsPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request) async throws -> Response {
        let flows = try await ui.store.flows()
        var rows: [HTML] = []
        for flow in flows {
            // One indexed lookup per flow (runs_by_flow); flows number in the tens, not millions.
            let latest = try await ui.store.runs(RunQuery(flowID: flow.flowID, limit: 1)).first
            let latestRun: HTML =
                latest.map {
                    "<a href=\"/runs/\($0.id)\">\($0.id)</a> \(Format.badge($0.status.rawValue)) <span class=\"muted\">\(Format.time($0.queuedAt))</span>"
                } ?? "<span class=\"muted\">never run</span>"
            rows.append(
                """
                <tr><td><a href="/flows/\(Link.segment(flow.flowID))"><b>\(flow.flowID)</b></a><div class="muted">\(flow.definition.name)</div></td>
                <td>\(Format.badge(flow.enabled ? "enabled" : "disabled"))</td><td>\(Self.trigger(flow.definition.trigger))</td>
                <td class="num">v\(flow.version)</td><td class="num">\(flow.definition.shapes.count)</td>
                <td>\(Format.time(flow.deployedAt))</td><td>\(latestRun)</td></tr>
                """)
        }
        let table: HTML =
            flows.isEmpty
            ? "<p class=\"muted\">No flows yet. Deploy one with <code>skein flow deploy FILE</code>.</p>"
            : """
            <div class="table-box"><table class="grid"><thead><tr><th>Flow</th><th>State</th><th>Trigger</th><th class="num">Version</th><th class="num">Shapes</th>
            <th>Deployed (UTC)</th><th>Latest run</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        let create: HTML =
            identity.role >= .builder
            ? "<a class=\"button\" href=\"/flows/new\" id=\"new-flow-link\">New flow</a> <a class=\"button secondary\" id=\"new-flow-text\" href=\"/drafts/new\">New flow as text</a>"
            : HTML.empty
        let content: HTML = "<div class=\"toolbar\"><h1>Flows</h1><span class=\"spacer\"></span>\(create)</div>\(table)"
        return UIController.html(Layout(title: "Flows", section: .flows, identity: identity).render(content))
    }

    /// The trigger in words, never showing a webhook's token.
    static func trigger(_ trigger: Trigger) -> String {
        switch trigger {
        case .manual: "manual"
        case .api: "API"
        case .schedule(let schedule): "schedule \(schedule.description)"
        case .webhook: "webhook"
        }
    }
}
