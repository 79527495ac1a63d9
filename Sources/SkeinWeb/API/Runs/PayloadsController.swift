import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Stored payloads of a run's step (`step` = shape id, step number, or `input`):
/// `GET …/payloads` lists them; `GET …/payloads/{index}` is the viewer's form (JSON pretty-printed,
/// cut after `limit` bytes with `trimmed: true` — like `skein payload show`);
/// `GET …/payloads/{index}/raw` downloads the bytes as stored, with their content type.
struct PayloadsController: Sendable {
    let store: any RunLogReader

    static let defaultViewLimit = 65_536

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("runs/:run/steps/:step/payloads") { _, context in try await self.list(context: context) }
        group.get("runs/:run/steps/:step/payloads/:index") { request, context in try await self.view(request, context: context) }
        group.get("runs/:run/steps/:step/payloads/:index/raw") { _, context in try await self.download(context: context) }
    }

    func locate(_ context: SkeinRequestContext) async throws -> (RunRecord, Int, String) {
        _ = try context.require(.viewer)
        let run = try await RunsController.run(try context.id("run"), in: store)
        let step = try context.string("step")
        return (run, try await RunsController.sequence(of: step, in: run, store: store), step)
    }

    func list(context: SkeinRequestContext) async throws -> Response {
        let (run, sequence, _) = try await locate(context)
        let infos = try await store.payloadInfos(of: StepID(run: run.id, sequence: sequence))
        return JSONResponse.ok(["sequence": APIJSON.number(sequence), "payloads_expired": .bool(run.payloadsExpired),
                                "payloads": .array(infos.map(APIJSON.payloadInfo))])
    }

    func payload(_ context: SkeinRequestContext) async throws -> (RunRecord, PayloadInfo, Payload) {
        let (run, sequence, step) = try await locate(context)
        let index = try context.int64("index")
        let infos = try await store.payloadInfos(of: StepID(run: run.id, sequence: sequence))
        if infos.isEmpty && run.payloadsExpired {
            throw APIError(.notFound, "the payloads of run \(run.id) have expired (retention); its log remains")
        }
        guard index >= 0, index < infos.count, let payload = try await store.payload(of: StepID(run: run.id, sequence: sequence), index: Int(index)) else {
            throw APIError(.notFound, "step '\(step)' of run \(run.id) has \(infos.count) payload\(infos.count == 1 ? "" : "s"); there is no index \(index)")
        }
        return (run, infos[Int(index)], payload)
    }

    func view(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let (_, info, payload) = try await payload(context)
        let limit = try Query(request).int("limit", in: 1...(100 * 1024 * 1024)) ?? Self.defaultViewLimit
        var bytes = payload.bytes()
        var pretty = false
        if payload.isJSON, bytes.count <= limit, let json = try? payload.json() {
            bytes = Array(json.serialized(.pretty).utf8)
            pretty = true
        }
        let trimmed = bytes.count > limit
        var text = String(decoding: trimmed ? Array(bytes.prefix(limit)) : bytes, as: UTF8.self)
        if trimmed { text += "\n[trimmed] showing \(limit) of \(info.size) bytes; download the payload for all of it" }
        return JSONResponse.ok(["info": APIJSON.payloadInfo(info), "pretty": .bool(pretty), "trimmed": .bool(trimmed), "text": .string(text)])
    }

    func download(context: SkeinRequestContext) async throws -> Response {
        let (run, info, payload) = try await payload(context)
        let name = "run-\(run.id)-step-\(info.sequence)-\(info.index)" + (payload.isJSON ? ".json" : ".bin")
        return Response(status: .ok, headers: [.contentType: info.contentType, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: payload.bytes())))
    }
}
