import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Stored payloads of a run's step (`step` = shape id, step number, or `input`):
/// `GET …/payloads` lists them; `GET …/payloads/{index}` is the viewer's form (JSON pretty-printed,
/// cut after `limit` bytes from `offset` with `trimmed: true` — like `skein payload show`);
/// `GET …/payloads/{index}/raw` downloads the bytes as stored, with their content type.
struct PayloadsController: Sendable {
    let operations: Operations

    var runs: RunOperations { operations.runs }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("runs/:run/steps/:step/payloads") { _, context in
            let located = try await runs.payloads(context.identity, run: try context.id("run"), step: try context.string("step"))
            return JSONResponse.ok(["sequence": APIJSON.number(located.sequence), "payloads_expired": .bool(located.run.payloadsExpired),
                                    "payloads": .array(located.infos.map(APIJSON.payloadInfo))])
        }
        group.get("runs/:run/steps/:step/payloads/:index") { request, context in try await self.view(request, context: context) }
        group.get("runs/:run/steps/:step/payloads/:index/raw") { _, context in try await self.download(context: context) }
    }

    func view(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let parameters = Inputs(request)
        let limit = try parameters.int("limit", in: 1...RunOperations.maximumViewLimit) ?? RunOperations.defaultViewLimit
        let offset = try parameters.int("offset", in: 0...Int.max) ?? 0
        let view = try await runs.view(context.identity, run: try context.id("run"), step: try context.string("step"),
                                       index: Int(try context.int64("index")), limit: limit, offset: offset)
        var text = view.text
        if view.trimmed { text += "\n[trimmed] showing \(limit) of \(view.stored.info.size) bytes; download the payload for all of it" }
        return JSONResponse.ok(["info": APIJSON.payloadInfo(view.stored.info), "pretty": .bool(view.pretty), "trimmed": .bool(view.trimmed),
                                "text": .string(text)])
    }

    func download(context: SkeinRequestContext) async throws -> Response {
        let stored = try await runs.payload(context.identity, run: try context.id("run"), step: try context.string("step"),
                                            index: Int(try context.int64("index")))
        let name = "run-\(stored.run.id)-step-\(stored.sequence)-\(stored.index)" + (stored.payload.isJSON ? ".json" : ".bin")
        return Response(status: .ok, headers: [.contentType: stored.info.contentType, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: stored.payload.bytes())))
    }
}
