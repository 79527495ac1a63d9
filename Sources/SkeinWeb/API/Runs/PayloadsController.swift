import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Stored payloads of a run's step (`step` = shape id, step number, or `input`):
/// `GET …/payloads` lists them, a page at a time, found by `reference`, `text` or a JSONata
/// `where` (`PayloadSearch`; `limit` defaults to its maximum, 1000; `next_offset` pages on); `GET …/payloads/{index}` is the viewer's form (JSON pretty-printed,
/// cut after `limit` bytes from `offset` with `trimmed: true` — like `skein payload show`);
/// `GET …/payloads/{index}/raw` downloads the bytes as stored, with their content type.
struct PayloadsController: Sendable {
    let operations: Operations

    var runs: RunOperations { operations.runs }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("runs/:run/steps/:step/payloads") { request, context in
            let search = try PayloadSearch(Inputs(request), defaultLimit: PayloadSearch.maximumLimit)
            let page = try await runs.findPayloads(context.identity, run: try context.id("run"), step: try context.string("step"), search)
            return JSONResponse.ok([
                "sequence": APIJSON.number(page.sequence), "payloads_expired": .bool(page.run.payloadsExpired),
                "total": APIJSON.number(page.payloads), "matched": APIJSON.number(page.matched),
                "payloads": .array(page.infos.map(APIJSON.payloadInfo)),
                "next_offset": page.nextOffset.map(APIJSON.number) ?? .null,
            ])
        }
        group.get("runs/:run/steps/:step/payloads/:index") { request, context in try await self.view(request, context: context) }
        group.get("runs/:run/steps/:step/payloads/:index/raw") { _, context in try await self.download(context: context) }
    }

    func view(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let parameters = Inputs(request)
        let limit = try parameters.int("limit", in: 1...RunOperations.maximumViewLimit) ?? RunOperations.defaultViewLimit
        let offset = try parameters.int("offset", in: 0...Int.max) ?? 0
        let view = try await runs.view(
            context.identity, run: try context.id("run"), step: try context.string("step"),
            index: Int(try context.int64("index")), limit: limit, offset: offset)
        var text = view.text
        if view.trimmed { text += "\n[trimmed] showing \(limit) of \(view.stored.info.size) bytes; download the payload for all of it" }
        return JSONResponse.ok([
            "info": APIJSON.payloadInfo(view.stored.info), "pretty": .bool(view.pretty), "trimmed": .bool(view.trimmed),
            "text": .string(text),
        ])
    }

    func download(context: SkeinRequestContext) async throws -> Response {
        let stored = try await runs.payload(
            context.identity, run: try context.id("run"), step: try context.string("step"),
            index: Int(try context.int64("index")))
        let name = "run-\(stored.run.id)-step-\(stored.sequence)-\(stored.index)" + (stored.payload.isJSON ? ".json" : ".bin")
        return Response(
            status: .ok, headers: [.contentType: stored.info.contentType, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: stored.payload.bytes())))
    }
}
