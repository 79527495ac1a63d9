import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/`: runs of the last 24 hours and sync entries of the report's default window, counted by
/// status (window-bounded counts, cheap with millions of rows), and the latest failures. A
/// success with a warning — items left Pending or Failed by a send step warn too — is counted
/// apart from clean successes; the failed runs listed are those no later replay or retry recovered.
struct DashboardPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request) async throws -> Response {
        let store = ui.store
        let now = ui.settings.now()
        let runCounts = try await store.runCounts(since: now.addingTimeInterval(-86_400))
        let syncQuery = SyncQuery(since: now.addingTimeInterval(-Double(SyncQuery.defaultDays) * 86_400))
        let syncCounts = try await store.syncCounts(syncQuery)
        let warnedSuccesses = try await store.warnedSuccesses(since: now.addingTimeInterval(-86_400))
        let failedRuns = try await store.runs(RunQuery(statuses: [.failure], unrecovered: true, limit: 10))
        var failedSyncQuery = syncQuery
        failedSyncQuery.statuses = [.failed]
        failedSyncQuery.limit = 10
        let failedEntries = try await store.syncEntries(failedSyncQuery).entries
        let flows = try await store.flows()

        let from = Format.time(now.addingTimeInterval(-86_400)).prefix(10).description
        let runTiles = HTML.join(
            RunStatus.allCases.flatMap { status -> [HTML] in
                let tile = { (count: Int, label: String, kind: String, extra: [(String, String?)]) -> HTML in
                    let filters: [(String, String?)] = [("status", status.rawValue), ("from", from)] + extra
                    return "<a class=\"count \(kind)\" href=\"\(Link("/runs", filters).description)\"><b>\(count)</b><span>\(label)</span></a>"
                }
                let count = runCounts[status] ?? 0
                guard status == .success else { return [tile(count, status.rawValue.replacingOccurrences(of: "_", with: " "), status.rawValue, [])] }
                return [
                    tile(count - warnedSuccesses, "clean success", "success", [("has_warnings", "false")]),
                    tile(warnedSuccesses, "success with warnings", "warned", [("has_warnings", "true")]),
                ]
            })
        let syncTiles = HTML.join(
            SyncStatus.allCases.map { status in
                "<a class=\"count \(status.rawValue)\" href=\"\(Link("/sync", [("status", status.rawValue)]).description)\"><b>\(syncCounts[status] ?? 0)</b><span>\(status.rawValue.uppercased())</span></a>"
            })
        let enabled = flows.filter(\.enabled).count
        let content: HTML = """
            <h1>Dashboard</h1>
            <div class="cards">
              <section class="card"><h3>Runs, last 24 hours</h3><div class="counts">\(runTiles)</div></section>
              <section class="card"><h3>Sync entries, last \(SyncQuery.defaultDays) days</h3><div class="counts">\(syncTiles)</div></section>
              <section class="card"><h3>Flows</h3><div class="counts"><a class="count" href="/flows"><b>\(flows.count)</b><span>deployed</span></a><a class="count success" href="/flows"><b>\(enabled)</b><span>enabled</span></a></div></section>
            </div>
            <h2>Recent unrecovered failures</h2>
            \(RunsPage.table(failedRuns, empty: "No failed runs waiting for a retry or replay. "))
            <p><a href="/runs?status=failure&amp;unrecovered=false">All failed runs, recovered ones included →</a></p>
            <h2>Recent failed sync entries</h2>
            \(failedSyncTable(failedEntries))
            """
        return UIController.html(Layout(title: "Dashboard", section: .dashboard, identity: identity).render(content))
    }

    func failedSyncTable(_ entries: [SyncEntry]) -> HTML {
        guard !entries.isEmpty else { return "<p class=\"muted\">No failed sync entries in the last \(SyncQuery.defaultDays) days.</p>" }
        let rows = HTML.join(
            entries.map { entry in
                """
                <tr><td class="num">\(entry.id)</td><td>\(entry.system)</td><td>\(entry.reference)</td>
                <td><a href="/flows/\(Link.segment(entry.flowID))">\(entry.flowID)</a></td><td><a href="/runs/\(entry.runID)">\(entry.runID)</a></td>
                <td>\(Format.time(entry.latestAttemptAt))</td><td class="wrap">\(entry.latestResponse)</td></tr>
                """
            })
        return """
            <div class="table-box"><table class="grid"><thead><tr><th class="num">Sync id</th><th>System</th><th>Reference</th><th>Flow</th><th>Run</th><th>Latest (UTC)</th><th>Latest sync information</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <p><a href="/sync?status=failed">All failed entries →</a></p>
            """
    }
}
