import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/sync`: the sync report — search, status/system/flow filters, a 1–15 day window (5 by
/// default), sortable columns, keyset pages, checkboxes with "resync selected" and "resync all
/// matching" (each shows `ResyncConfirmPage` before sending), counts by status for the window,
/// "download CSV" and the additional-fields toggle. Each sync id opens its entry page
/// (`SyncEntryPage`); a skipped entry links the entry that delivered its item first.
struct SyncReportPage {
    let ui: UIController
    let identity: Identity

    static let pageSize = 50

    /// Column, label, sort key, whether it is an additional field.
    static let columns: [(String, SyncSortColumn?, Bool)] = [
        ("Sync id", .id, false), ("Status", .status, false), ("System", .system, false), ("Reference", .reference, false),
        ("Source id", .sourceID, true), ("Endpoint id", .endpointID, true), ("Flow", .flow, false), ("Run", .run, false),
        ("Step", .step, true), ("Attempts", .attempts, false), ("First attempt (UTC)", .firstAttempt, true),
        ("Latest attempt (UTC)", .latestAttempt, false), ("Latest sync information", nil, false),
    ]

    func response(_ request: Request) async throws -> Response {
        let parameters = Inputs(request)
        let filters = try SyncFilters(parameters, now: ui.settings.now())
        let after = parameters.string("after")
        var query = filters.operationParameters
        query.set("after", after)
        let sync = ui.operations.sync
        let page = try await sync.entries(identity, query, defaultLimit: Self.pageSize)
        let counts = try await sync.counts(identity, query)
        let flows = try await ui.operations.flows.list(identity).map(\.flowID)
        let canResync = Permission.operate.allows(identity) && ui.services.resender != nil

        // A tile adds its status to those asked for, or takes it away: several statuses at once.
        let tiles = HTML.join(
            SyncStatus.allCases.map { status in
                let chosen = filters.statuses.contains(status)
                let next = SyncStatus.allCases.filter { $0 == status ? !chosen : filters.statuses.contains($0) }
                let link = Link("/sync", filters.parameters).setting("status", next.isEmpty ? nil : next.map(\.rawValue).joined(separator: ","))
                return
                    "<a class=\"count \(status.rawValue)\(chosen ? " selected" : "")\" href=\"\(link.description)\"><b>\(counts[status] ?? 0)</b><span>\(status.rawValue.uppercased())</span></a>"
            })
        let matching = filters.statuses.isEmpty ? counts.values.reduce(0, +) : filters.statuses.reduce(0) { $0 + (counts[$1] ?? 0) }
        let statusBoxes = HTML.join(
            SyncStatus.allCases.map { status in
                "<label class=\"check\"><input type=\"checkbox\" name=\"status\" value=\"\(status.rawValue)\"\(filters.statuses.contains(status) ? " checked" : "")> \(status.rawValue)</label>"
            })
        let dayOptions = HTML.join(
            (1...SyncQuery.maximumDays).map { day in
                "<option value=\"\(day)\"\(day == filters.days ? " selected" : "")>\(day) day\(day == 1 ? "" : "s")</option>"
            })
        let filterForm: HTML = """
            <form class="filters" method="get" action="/sync" id="sync-filters">
              <label>Search <input type="search" name="search" value="\(filters.search ?? "")" placeholder="sync id, reference or system"></label>
              <fieldset class="statuses"><legend>Status</legend>\(statusBoxes)</fieldset>
              <label>System <input name="system" value="\(filters.system ?? "")" placeholder="any (any case)"></label>
              <label>Flow \(RunsPage.select("flow", flows, selected: filters.flow))</label>
              <label>Window <select name="days">\(dayOptions)</select></label>
              <label>or from (UTC) <input type="date" name="from" value="\(filters.from ?? "")"></label>
              <label>to <input type="date" name="to" value="\(filters.to ?? "")"></label>
              \(filters.sort == .latestAttempt ? HTML.empty : "<input type=\"hidden\" name=\"sort\" value=\"\(filters.sort.rawValue)\">")
              <button type="submit">Apply</button> <a class="button secondary" href="/sync">Clear</a>
              <label class="check"><input type="checkbox" id="extra-toggle"> Show additional fields</label>
            </form>
            """
        let header = HTML.join(
            Self.columns.map { label, column, extra in
                let cls: HTML = extra ? " class=\"extra\"" : HTML.empty
                guard let column else { return "<th\(cls)>\(label)</th>" }
                let sorted = filters.sort == column
                let nextDescending = sorted ? !filters.descending : (column == .latestAttempt || column == .firstAttempt)
                let link = filters.link.setting("sort", column.rawValue).setting("order", nextDescending ? "desc" : "asc")
                let arrow = sorted ? (filters.descending ? " ↓" : " ↑") : ""
                return "<th\(cls)><a href=\"\(link.description)\" class=\"\(sorted ? "sorted" : "")\">\(label)\(arrow)</a></th>"
            })
        // A skipped entry says which entry delivered its item first (the reason it was skipped with).
        var skippedBecause: [SyncEntryID: String] = [:]
        for entry in page.entries where entry.status == .skipped {
            skippedBecause[entry.id] = try await sync.transitions(identity, entry.id).first?.reason
        }
        let rows = HTML.join(
            page.entries.map { entry in
                let information = skippedBecause[entry.id].map(SyncReasonLinks.render) ?? "\(entry.latestResponse)"
                return """
                    <tr id="sync-\(entry.id)"><td><input type="checkbox" name="id" value="\(entry.id)" aria-label="Select sync entry \(entry.id)"\(canResync ? "" : " disabled")></td>
                    <td class="num"><a href="/sync/\(entry.id)" class="entry-link">\(entry.id)</a></td><td>\(Format.badge(entry.status.rawValue))</td><td>\(entry.system)</td><td>\(entry.reference)</td>
                    <td class="extra">\(entry.sourceID)</td><td class="extra">\(entry.endpointID)</td>
                    <td><a href="/flows/\(Link.segment(entry.flowID))">\(entry.flowID)</a></td><td><a href="/runs/\(entry.runID)">\(entry.runID)</a></td>
                    <td class="extra">\(entry.shapeID)</td><td class="num">\(entry.attempts)</td>
                    <td class="extra">\(Format.time(entry.firstAttemptAt))</td><td>\(Format.time(entry.latestAttemptAt))</td>
                    <td class="wrap">\(information)</td></tr>
                    """
            })
        let back = filters.link.description
        let hiddenFilters = HTML.join(
            filters.parameters.compactMap { name, value in
                value.map { "<input type=\"hidden\" name=\"\(name)\" value=\"\($0)\">" }
            })
        var buttons: [HTML] = []
        if canResync {
            buttons.append("<button type=\"submit\" name=\"scope\" value=\"selected\" id=\"resync-selected\">Resync selected…</button>")
            buttons.append(
                "<button type=\"submit\" name=\"scope\" value=\"matching\" class=\"secondary\" id=\"resync-matching\">Resync all \(matching) matching…</button>"
            )
        }
        let csv = Link("/sync/csv", filters.parameters)
        let table: HTML =
            page.entries.isEmpty
            ? "<p class=\"muted\">No sync entries match these filters in the last \(filters.days) day\(filters.days == 1 ? "" : "s").</p>"
            : """
            <div class="table-box"><table class="grid" id="sync-table"><thead><tr><th><input type="checkbox" id="select-all" aria-label="Select every entry on this page"></th>\(header)</tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        var pager: [HTML] = []
        if after != nil { pager.append("<a href=\"\(back)\">← First page</a>") }
        if let next = page.next { pager.append("<a href=\"\(filters.link.setting("after", next.token).description)\" rel=\"next\">Next page →</a>") }
        let content: HTML = """
            <h1>Sync report</h1>
            <div class="counts" id="sync-counts">\(tiles)</div>
            \(filterForm)
            <form method="post" action="/sync/resync" id="resync-form">
              \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: back))\(hiddenFilters)
              <div class="toolbar">\(buttons)<span class="spacer"></span><a class="button secondary" id="download-csv" href="\(csv.description)" download>Download CSV</a></div>
              \(table)
            </form>
            <div class="pager">\(pager)</div>
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Sync report", section: .sync, identity: identity, notice: notice, error: error).render(content))
    }

    /// Every entry matching the filters as CSV (the columns of `skein sync list --csv`), streamed
    /// from one read of the store with a few batches in flight, so memory stays flat however many.
    func csv(_ request: Request) async throws -> Response {
        let filters = try SyncFilters(Inputs(request), now: ui.settings.now())
        let (sync, identity, parameters) = (ui.operations.sync, identity, filters.operationParameters)
        try Permission.read.require(identity)
        let logger = ui.logger
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: SyncReportColumns.headerLine))
            let (chunks, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
            let gate = BatchGate(inFlight: 4)
            let producer = Task {
                do {
                    try await sync.stream(identity, parameters, batchSize: 1000) { entries in
                        try gate.enter()
                        continuation.yield(SyncReportColumns.lines(entries))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { gate.close(); producer.cancel() }
            do {
                for try await chunk in chunks {
                    try await writer.write(ByteBuffer(string: chunk))
                    gate.leave()
                }
            } catch {
                logger.error("sync CSV download failed", metadata: ["error": "\(error)"])
                throw error
            }
            try await writer.finish(nil)
        }
        let stamp = Format.time(ui.settings.now()).prefix(10)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"sync-report-\(stamp).csv\"",
                .cacheControl: "no-store",
            ], body: body)
    }
}

/// Lets the store's reader hand over at most `inFlight` batches the client has not taken yet:
/// the reader (a database thread, not a Swift task) waits when the download is slow, and is
/// released with an error when the download ends early.
final class BatchGate: @unchecked Sendable {
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var closed = false

    init(inFlight: Int) { slots = DispatchSemaphore(value: inFlight) }

    func enter() throws {
        slots.wait()
        if lock.withLock({ closed }) { slots.signal(); throw CancellationError() }
    }

    func leave() { slots.signal() }

    func close() {
        lock.withLock { closed = true }
        slots.signal()
    }
}
