import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinOperations
import SkeinStorage

/// `/sync/{id}`: one sync entry — its facts (system, reference, endpoint id, attempts, next
/// retry, the latest answer of the destination), every attempt with its time, status change,
/// reason, the destination's answer and endpoint id, every status change with its time and reason
/// (a skipped entry's reason links the entry that delivered the item), the payload as it was
/// sent (shown, and downloadable at `/sync/{id}/payload`), links to its run and step, and
/// "Resync this" under the ledger rule: an OK entry goes through the resync confirmation first.
struct SyncEntryPage {
    let ui: UIController
    let identity: Identity

    func entryID(_ context: SkeinRequestContext) throws -> SyncEntryID {
        guard let text = context.parameters.get("entry"), let number = Int64(text), number >= 0 else {
            throw APIError(.notFound, "there is no sync entry \(context.parameters.get("entry") ?? "")")
        }
        return SyncEntryID(number)
    }

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let detail = try await ui.operations.sync.detail(identity, try entryID(context))
        let entry = detail.entry
        let step = try await ui.store.steps(runID: entry.runID).first { $0.shapeID == entry.shapeID }
        let stepLink: HTML =
            step.map { "<a href=\"/runs/\(entry.runID)#step-\($0.sequence)\" id=\"step-link\">step \($0.sequence) '\(entry.shapeID)'</a>" }
            ?? "\(entry.shapeID)"
        let facts: HTML = """
            <dl class="facts" id="sync-facts">
              <dt>Status</dt><dd>\(Format.badge(entry.status.rawValue))</dd>
              <dt>System</dt><dd>\(entry.system)</dd><dt>Reference</dt><dd>\(entry.reference)</dd>
              <dt>Source id</dt><dd>\(entry.sourceID.isEmpty ? "–" : entry.sourceID)</dd>
              <dt>Endpoint id</dt><dd id="endpoint-id">\(entry.endpointID.isEmpty ? "–" : entry.endpointID)</dd>
              <dt>Flow</dt><dd><a href="/flows/\(Link.segment(entry.flowID))?version=\(entry.flowVersion)">\(entry.flowID)</a> v\(entry.flowVersion)</dd>
              <dt>Run</dt><dd><a href="/runs/\(entry.runID)" id="run-link">run \(entry.runID)</a></dd><dt>Step</dt><dd>\(stepLink)</dd>
              <dt>Attempts</dt><dd>\(entry.attempts) (\(entry.automaticRetries) automatic retr\(entry.automaticRetries == 1 ? "y" : "ies") since the latest resync)</dd>
              <dt>First attempt</dt><dd>\(Format.time(entry.firstAttemptAt))</dd><dt>Latest attempt</dt><dd>\(Format.time(entry.latestAttemptAt))</dd>
              <dt>Next retry</dt><dd id="next-retry">\(entry.nextRetryAt.map { Format.time($0) } ?? (entry.status == .pending ? "not scheduled" : "none (\(entry.status.rawValue) entries are not retried)"))</dd>
              <dt>Latest answer</dt><dd class="wrap" id="latest-answer">\(SyncReasonLinks.render(entry.latestResponse))</dd>
            </dl>
            """
        let rows = HTML.join(
            detail.transitions.enumerated().map { number, transition in
                """
                <tr><td class="num">\(number + 1)</td><td>\(Format.time(transition.at))</td>
                <td>\(transition.from.map { Format.badge($0.rawValue) } ?? HTML(trusted: "<span class=\"muted\">new</span>")) → \(Format.badge(transition.to.rawValue))</td>
                <td class="wrap">\(SyncReasonLinks.render(transition.reason))</td></tr>
                """
            })
        var previous: SyncStatus?
        let attemptRows = HTML.join(
            detail.attempts.map { attempt in
                defer { previous = attempt.status }
                let change: HTML =
                    previous.map { "\(Format.badge($0.rawValue)) → \(Format.badge(attempt.status.rawValue))" }
                    ?? "<span class=\"muted\">new</span> → \(Format.badge(attempt.status.rawValue))"
                let kind = attempt.number == 1 ? "first send" : attempt.manual ? "resync" : "automatic retry"
                return """
                    <tr><td class="num">\(attempt.number)</td><td>\(Format.time(attempt.at))<div class="muted">\(kind)</div></td><td>\(change)</td>
                    <td class="wrap">\(SyncReasonLinks.render(attempt.reason))</td><td class="wrap mono answer">\(attempt.response)</td>
                    <td>\(attempt.endpointID.isEmpty ? "–" : attempt.endpointID)</td></tr>
                    """
            })
        let attempts: HTML =
            detail.attempts.isEmpty
            ? "<p class=\"muted\">This entry was stored before Skein kept every attempt; its history and latest answer are below and above.</p>"
            : """
            <table class="grid" id="sync-attempts"><thead><tr><th class="num">#</th><th>At (UTC)</th><th>Status</th><th>Reason</th>
            <th>Destination's answer</th><th>Endpoint id</th></tr></thead><tbody>\(attemptRows)</tbody></table>
            """
        let history: HTML = """
            <table class="grid" id="sync-history"><thead><tr><th class="num">#</th><th>At (UTC)</th><th>Status change</th><th>Reason</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        var payload: HTML = "<p class=\"muted\">The payload of this entry is not stored.</p>"
        if let sent = detail.payload {
            let (text, trimmed) = PayloadPage.viewText(sent)
            payload = """
                <div class="toolbar"><span class="muted">\(sent.contentType), \(Format.bytes(entry.payloadSize))</span><span class="spacer"></span>
                <a class="button secondary" id="download-payload" href="/sync/\(entry.id)/payload" download>Download the payload sent</a></div>
                <pre class="payload" id="payload">\(text)</pre>
                \(trimmed ? "<div class=\"trimmed\">[trimmed] download it for all of it</div>" as HTML : HTML.empty)
                """
        }
        let content: HTML = """
            <p class="muted"><a href="/sync">Sync report</a></p>
            <div class="toolbar"><h1>Sync entry \(entry.id)</h1><span class="spacer"></span>\(resyncForm(entry))</div>
            \(facts)
            <h2>Attempts</h2>
            <p class="muted">Every delivery attempt — the first send, automatic retries, resyncs — with the destination's answer (its status line, or the error with an excerpt of the answer, up to \(SyncAttemptRecord.maximumResponseLength) characters).</p>
            \(attempts)
            <h2>Status history</h2>
            <p class="muted">Every status change, and every resync, with its reason.</p>
            \(history)
            <h2>Payload sent</h2>
            \(payload)
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Sync entry \(entry.id)", section: .sync, identity: identity, notice: notice, error: error).render(content))
    }

    /// "Resync this": a Failed, Pending, Sent or skipped entry is sent at once (the ledger still
    /// skips content the destination already has); an OK one first shows the confirmation,
    /// where sending it again must be ticked.
    func resyncForm(_ entry: SyncEntry) -> HTML {
        guard Permission.operate.allows(identity), ui.services.resender != nil else { return HTML.empty }
        var fields = [("scope", "selected"), ("id", String(entry.id))]
        if entry.status != .ok { fields.append(("confirmed", "yes")) }
        let form = ActionForm(
            action: "/sync/resync", back: "/sync/\(entry.id)", label: entry.status == .ok ? "Resync this…" : "Resync this",
            fields: fields, style: "")
        return form.render(csrf: identity.csrfToken, once: entry.status == .ok ? nil : ui.operations.actionTokens.issue())
    }

    /// The payload exactly as it was sent, as an attachment.
    func download(_ context: SkeinRequestContext) async throws -> Response {
        let id = try entryID(context)
        guard let payload = try await ui.operations.sync.detail(identity, id).payload else {
            throw APIError(.notFound, "the payload of sync entry \(id) is not stored")
        }
        let bytes = payload.bytes()
        return Response(
            status: .ok,
            headers: [
                .contentType: payload.contentType,
                .contentDisposition: "attachment; filename=\"sync-\(id)-payload.\(PayloadPage.fileExtension(payload.contentType))\"",
                .contentLength: String(bytes.count), HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
