import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Re-running work (operator): `POST /runs/{run}/replay` (body: step, index, item, where, at,
/// current) and `POST /runs/{run}/retry` (body: current) plan the new run with the engine's
/// `RunRecovery` — the same planning as `skein runs replay/retry` — and queue it for the
/// server's workers; 202 with the new run.
struct RecoveryController: Sendable {
    let store: any RunRecovery.Store & RunIntake
    let access: AccessService

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.post("runs/:run/replay") { request, context in try await self.replay(request, context: context) }
        group.post("runs/:run/retry") { request, context in try await self.retry(request, context: context) }
    }

    func replay(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        var request = request
        let body = try await request.jsonObject()
        let run = try await RunsController.run(try context.id("run"), in: store)
        let step = try body.string("step", required: true) ?? "input"
        let sequence = try await RunsController.sequence(of: step, in: run, store: store)
        let item = try body.int("item")
        let condition = try body.string("where")
        if item != nil && condition != nil { throw APIError.invalid("where", "give item or where, not both") }
        var selection: ItemSelection?
        if let item { selection = .position(item) }
        if let condition {
            do { selection = try ItemSelection.condition(condition) } catch let error as RecoveryError {
                throw APIError.invalid("where", error.message)
            }
        }
        let entryText = try body.string("at") ?? "next"
        guard let entry = RunRecovery.Entry(rawValue: entryText) else { throw APIError.invalid("at", "at must be 'next' or 'same', not '\(entryText)'") }
        let plan = RunRecovery.Replay(runID: run.id, sequence: sequence, index: try body.int("index"), selection: selection, entry: entry,
                                      useLatestVersion: try body.bool("current") ?? false)
        let newRun = try await planned { try await RunRecovery(store: store).replay(plan) }
        return try await queue(newRun, identity: identity, action: "run.replay", origin: run.id, details: ["step": .string(step)])
    }

    func retry(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        var request = request
        let body = try await request.jsonObject(allowEmpty: true)
        let run = try await RunsController.run(try context.id("run"), in: store)
        let newRun = try await planned { try await RunRecovery(store: store).retry(runID: run.id, useLatestVersion: try body.bool("current") ?? false) }
        return try await queue(newRun, identity: identity, action: "run.retry", origin: run.id, details: [:])
    }

    /// A plan that cannot be made (a finished run, expired payloads, no such step) is a 409 saying why.
    func planned(_ body: () async throws -> NewRun) async throws -> NewRun {
        do { return try await body() } catch let error as RecoveryError { throw APIError(.conflict, error.message) }
    }

    func queue(_ newRun: NewRun, identity: Identity, action: String, origin: RunID, details: JSON.Object) async throws -> Response {
        let record = try await store.enqueue(newRun, now: access.now())
        var details = details
        details["new_run"] = APIJSON.number(record.id)
        try await access.audit(identity, action, target: "run:\(origin)", details: .object(details))
        return JSONResponse.make(status: .accepted, APIJSON.run(record))
    }
}
