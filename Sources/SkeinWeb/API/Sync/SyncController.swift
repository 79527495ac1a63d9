import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

/// The sync report: entries (keyset pages), counts by status, one entry with its history, the
/// CSV of every match (streamed page by page), and resync (operator) of given ids or of every
/// entry matching a filter, with a preview — the `SyncFilter` parameters, as `skein sync`.
struct SyncController: Sendable {
    let operations: Operations

    var sync: SyncOperations { operations.sync }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("sync") { request, context in
            let page = try await sync.entries(context.identity, Inputs(request))
            return JSONResponse.ok(["entries": .array(page.entries.map(APIJSON.syncEntry)), "next": page.next.map { .string($0.token) } ?? .null])
        }
        group.get("sync/counts") { request, context in
            JSONResponse.ok(["counts": APIJSON.counts(try await sync.counts(context.identity, Inputs(request)))])
        }
        group.get("sync/csv") { request, context in try await self.csv(request, context: context) }
        group.post("sync/resync") { request, context in try await self.resync(request, context: context) }
        group.post("sync/resync/preview") { request, context in
            let (selection, includeOK) = try await Self.selection(request)
            let preview = try await sync.previewResync(context.identity, selection, includeOK: includeOK)
            return JSONResponse.ok(["by_status": APIJSON.counts(preview.byStatus), "to_resend": APIJSON.number(preview.toResend)])
        }
        group.get("sync/:id") { _, context in
            let detail = try await sync.detail(context.identity, try context.id("id"))
            var object = APIJSON.syncEntry(detail.entry).objectValue ?? [:]
            object["payload"] = detail.payload.map { (try? $0.json()) ?? .string(String(decoding: $0.bytes().prefix(65_536), as: UTF8.self)) } ?? .null
            return JSONResponse.ok(.object(object))
        }
        group.get("sync/:id/transitions") { _, context in
            let transitions = try await sync.transitions(context.identity, try context.id("id"))
            return JSONResponse.ok([
                "transitions": .array(
                    transitions.map {
                        [
                            "at": APIJSON.iso($0.at), "from": $0.from.map { .string($0.rawValue) } ?? .null, "to": .string($0.to.rawValue),
                            "reason": .string($0.reason),
                        ]
                    })
            ])
        }
        group.get("sync/:id/attempts") { _, context in
            let attempts = try await sync.attempts(context.identity, try context.id("id"))
            return JSONResponse.ok(["attempts": .array(attempts.map(APIJSON.syncAttempt))])
        }
    }

    /// Every matching entry as CSV (RFC 4180), written page by page as the client reads. The
    /// first page is read before answering, so a query the store refuses is an error status,
    /// not a 200 cut short after the header line.
    func csv(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        var parameters = Inputs(request)
        // The CSV holds every matching entry, a page at a time; a bad `limit` is still refused, not ignored.
        _ = try parameters.int("limit", in: 1...1000)
        parameters.set("limit", "1000")
        let first = try await sync.entries(context.identity, parameters)
        let (sync, identity) = (sync, context.identity)
        let pages = parameters
        let body = ResponseBody { writer in
            var parameters = pages
            try await writer.write(ByteBuffer(string: SyncReportColumns.headerLine))
            try await writer.write(ByteBuffer(string: SyncReportColumns.lines(first.entries)))
            var next = first.next
            while let cursor = next {
                parameters.set("after", cursor.token)
                let page = try await sync.entries(identity, parameters)
                try await writer.write(ByteBuffer(string: SyncReportColumns.lines(page.entries)))
                next = page.next
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"sync-report.csv\""],
            body: body)
    }

    /// Body: `{"ids": [1, 2]}` or `{"filter": {"status": "failed", "system": "ERP"}}`, and
    /// optionally `"include_ok": false`. Answers with each entry as it is after the attempt and
    /// the tally by status.
    func resync(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        try Permission.operate.require(context.identity)
        let (selection, includeOK) = try await Self.selection(request)
        let outcome = try await sync.resync(context.identity, selection, includeOK: includeOK)
        return JSONResponse.ok([
            "resynced": APIJSON.number(outcome.count), "tally": APIJSON.counts(outcome.tally),
            "entries": .array(outcome.entries.map(APIJSON.syncEntry)),
        ])
    }

    /// A resync body as the operation's selection.
    static func selection(_ request: Request) async throws -> (SyncOperations.Selection, Bool) {
        var request = request
        let body = try await request.jsonObject()
        var parameters = Inputs()
        if let ids = body["ids"] {
            guard case .array(let items) = ids, !items.isEmpty else { throw APIError.invalid("ids", "ids must be a non-empty list of sync ids") }
            parameters = try Inputs(json: ["ids": .array(items)])
        }
        if let filter = body["filter"] {
            guard case .object(let members) = filter else { throw APIError.invalid("filter", "filter must be an object of sync report filters") }
            let filtered = try Inputs(json: members, prefix: "filter.")
            for (name, values) in filtered.values { parameters[name] = values }
        }
        if body["ids"] == nil && body["filter"] == nil {
            throw APIError.invalid("ids", "give ids (a list of sync ids) or filter (an object of sync report filters)")
        }
        return (try SyncOperations.Selection.parse(parameters), try body.bool("include_ok") ?? true)
    }
}
