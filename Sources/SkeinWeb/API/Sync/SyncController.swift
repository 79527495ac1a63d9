import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// The sync report: entries (keyset pages), counts by status, one entry with its history,
/// the CSV of every match (streamed page by page), and resync (operator) of given ids or of
/// every entry matching a filter — through the engine's `SyncResender`, as `skein sync resync`.
struct SyncController: Sendable {
    let store: any SyncReportReader
    let access: AccessService
    let resender: SyncResender?

    /// The most entries one resync request sends again (a bigger backlog: several requests, or the CLI).
    static let maximumResync = 10_000
    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("sync") { request, context in try await self.list(request, context: context) }
        group.get("sync/counts") { request, context in try await self.counts(request, context: context) }
        group.get("sync/csv") { request, context in try await self.csv(request, context: context) }
        group.post("sync/resync") { request, context in try await self.resync(request, context: context) }
        group.get("sync/:id") { _, context in try await self.show(context: context) }
        group.get("sync/:id/transitions") { _, context in try await self.transitions(context: context) }
    }

    func countsJSON(_ counts: [SyncStatus: Int]) -> JSON {
        .object(.init(uniqueKeysWithValues: SyncStatus.allCases.map { ($0.rawValue, APIJSON.number(counts[$0] ?? 0)) }))
    }

    func list(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let query = try SyncFilter.query(Query(request), now: access.now())
        let page = try await store.syncEntries(query)
        return JSONResponse.ok(["entries": .array(page.entries.map(APIJSON.syncEntry)), "next": page.next.map { .string($0.token) } ?? .null])
    }

    func counts(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let query = try SyncFilter.query(Query(request), now: access.now())
        return JSONResponse.ok(["counts": countsJSON(try await store.syncCounts(query))])
    }

    func entry(_ context: SkeinRequestContext) async throws -> SyncEntry {
        let id: SyncEntryID = try context.id("id")
        guard let entry = try await store.syncEntry(id: id) else { throw APIError(.notFound, "no sync entry \(id)") }
        return entry
    }

    func show(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let entry = try await entry(context)
        var object = APIJSON.syncEntry(entry).objectValue ?? [:]
        let payload = try await store.syncPayload(entryID: entry.id)
        object["payload"] = payload.map { (try? $0.json()) ?? .string(String(decoding: $0.bytes().prefix(65_536), as: UTF8.self)) } ?? .null
        return JSONResponse.ok(.object(object))
    }

    func transitions(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let entry = try await entry(context)
        let transitions = try await store.syncTransitions(entryID: entry.id)
        return JSONResponse.ok(["transitions": .array(transitions.map {
            ["at": APIJSON.iso($0.at), "from": $0.from.map { .string($0.rawValue) } ?? .null, "to": .string($0.to.rawValue), "reason": .string($0.reason)]
        })])
    }

    /// Every matching entry as CSV (RFC 4180), written page by page as the client reads. The
    /// first page is read before answering, so a query the store refuses is an error status,
    /// not a 200 cut short after the header line.
    func csv(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        var query = try SyncFilter.query(Query(request), now: access.now())
        query.limit = 1000
        let store = store
        let first = try await store.syncEntries(query)
        let rest = query
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: SyncReportColumns.headerLine))
            try await writer.write(ByteBuffer(string: SyncReportColumns.lines(first.entries)))
            var page = rest
            page.after = first.next
            while page.after != nil {
                let result = try await store.syncEntries(page)
                try await writer.write(ByteBuffer(string: SyncReportColumns.lines(result.entries)))
                page.after = result.next
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"sync-report.csv\""],
                        body: body)
    }

    /// Body: `{"ids": [1, 2]}` or `{"filter": {"status": "failed", "system": "ERP"}}`. Answers
    /// with each entry as it is after the attempt and the tally by status.
    func resync(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        guard let resender else { throw APIError(.misconfigured, "this server cannot send sync entries again") }
        var request = request
        let body = try await request.jsonObject()
        var ids: [SyncEntryID] = []
        var results: [JSON] = []
        var tally: [SyncStatus: Int] = [:]
        let record = { (entry: SyncEntry) in
            ids.append(entry.id)
            tally[entry.status, default: 0] += 1
            results.append(APIJSON.syncEntry(entry))
        }
        if let value = body["ids"] {
            guard case .array(let items) = value, !items.isEmpty else { throw APIError.invalid("ids", "ids must be a non-empty list of sync ids") }
            let requested = try items.map { item in
                guard case .number(let number) = item, number == number.rounded(), abs(number) < 1e15 else {
                    throw APIError.invalid("ids", "ids must be whole numbers (sync ids)")
                }
                return SyncEntryID(Int64(number))
            }
            guard requested.count <= Self.maximumResync else { throw APIError.invalid("ids", "at most \(Self.maximumResync) ids per request") }
            for id in requested where try await store.syncEntry(id: id) == nil { throw APIError(.notFound, "no sync entry \(id)") }
            for id in requested { record(try await resender.resend(id: id, manual: true)) }
        } else if case .object(let filter)? = body["filter"] {
            try await resender.resendAll(matching: try SyncFilter.query(filter, now: access.now()), limit: Self.maximumResync) { record($0) }
        } else {
            throw APIError.invalid("ids", "give ids (a list of sync ids) or filter (an object of sync report filters)")
        }
        try await access.audit(identity, "sync.resync", target: ids.count == 1 ? "sync:\(ids[0])" : "sync:\(ids.count) entries",
                               details: ["ids": .array(ids.prefix(1000).map(APIJSON.number)), "count": APIJSON.number(ids.count),
                                         "filter": body["filter"] ?? .null])
        return JSONResponse.ok(["resynced": APIJSON.number(ids.count), "tally": countsJSON(tally), "entries": .array(results)])
    }
}
