import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Re-running work (operator), queued for the server's workers with 202 and the new run:
/// `POST /runs/{run}/replay` (body: step, index, item, where, at, version or current),
/// `POST /runs/{run}/retry` (body: from = failed_step or start, version or current),
/// `POST /runs/retry` (body: a `RunFilter` — every failed run of it not yet recovered) and
/// `GET /runs/retry/preview` (what that would retry). The same operations as `skein runs replay/retry`.
struct RecoveryController: Sendable {
    let operations: Operations

    var recovery: RecoveryOperations { operations.recovery }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.post("runs/:run/replay") { request, context in
            try Permission.operate.require(context.identity)
            let parameters = try await Self.body(request)
            let replay = try RecoveryOperations.Replay.parse(run: try context.id("run"), parameters)
            return JSONResponse.make(status: .accepted, APIJSON.run(try await recovery.replay(context.identity, replay, launcher: operations.queue)))
        }
        group.post("runs/:run/retry") { request, context in
            try Permission.operate.require(context.identity)
            let parameters = try await Self.body(request)
            let start = try RecoveryOperations.RetryStart.parse(parameters)
            let run = try await recovery.retry(
                context.identity, run: try context.id("run"), from: start,
                version: try RecoveryOperations.Version.parse(parameters), launcher: operations.queue)
            return JSONResponse.make(status: .accepted, APIJSON.run(run))
        }
        group.post("runs/retry") { request, context in
            try Permission.operate.require(context.identity)
            let parameters = try await Self.body(request)
            let items = try await recovery.bulkRetry(
                context.identity, parameters, version: try RecoveryOperations.Version.parse(parameters),
                launcher: operations.queue)
            return JSONResponse.make(
                status: .accepted,
                [
                    "retried": .array(items.compactMap { try? $0.result.get() }.map(APIJSON.run)),
                    "refused": .array(
                        items.compactMap { item in
                            guard case .failure(let error) = item.result else { return nil }
                            return ["run": APIJSON.number(item.origin.id), "message": .string(error.message)]
                        }),
                ])
        }
        group.get("runs/retry/preview") { request, context in
            let preview = try await recovery.previewRetry(context.identity, Inputs(request))
            return JSONResponse.ok([
                "by_status": APIJSON.counts(preview.byStatus), "to_retry": APIJSON.number(preview.toRetry.count),
                "runs": .array(preview.toRetry.prefix(100).map { APIJSON.number($0.id) }),
            ])
        }
    }

    /// A JSON object body (or none) as `Inputs`.
    static func body(_ request: Request) async throws -> Inputs {
        var request = request
        return try Inputs(json: try await request.jsonObject(allowEmpty: true))
    }
}
