import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Runs: `GET /runs` (filters: status, flow, trigger, from, to, has_warnings; keyset pages with
/// `before` = the last id seen, `next_before` in the answer), `GET /runs/{run}` (with the runs
/// replayed or retried from it), `GET /runs/{run}/steps`, `POST /runs/{run}/stop` (operator).
struct RunsController: Sendable {
    let store: any RunLogReader & RunQueue
    let access: AccessService

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("runs") { request, context in try await self.list(request, context: context) }
        group.get("runs/:run") { _, context in try await self.show(context: context) }
        group.get("runs/:run/steps") { _, context in try await self.steps(context: context) }
        group.post("runs/:run/stop") { _, context in try await self.stop(context: context) }
    }

    func list(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let query = Query(request)
        let limit = try query.int("limit", in: 1...500) ?? 50
        let runQuery = RunQuery(flowID: query.string("flow"), statuses: try query.values("status", as: RunStatus.self),
                                triggers: try query.values("trigger", as: TriggerKind.self), since: try query.date("from"),
                                until: try query.date("to", endOfDay: true), hasWarnings: try query.bool("has_warnings"),
                                before: try query.id("before"), limit: limit)
        let runs = try await store.runs(runQuery)
        let next: JSON = runs.count == limit ? runs.last.map { APIJSON.number($0.id) } ?? .null : .null
        return JSONResponse.ok(["runs": .array(runs.map(APIJSON.run)), "next_before": next])
    }

    func show(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let run = try await Self.run(try context.id("run"), in: store)
        var object = APIJSON.run(run).objectValue ?? [:]
        object["input_payloads"] = APIJSON.number(try await store.payloadInfos(of: .input(of: run.id)).count)
        object["steps"] = .array(try await store.steps(runID: run.id).map(APIJSON.step))
        object["follow_up_runs"] = .array(try await store.runs(RunQuery(originRunID: run.id, limit: 1000)).reversed().map(APIJSON.run))
        return JSONResponse.ok(.object(object))
    }

    func steps(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let run = try await Self.run(try context.id("run"), in: store)
        return JSONResponse.ok(["steps": .array(try await store.steps(runID: run.id).map(APIJSON.step))])
    }

    func stop(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let run = try await Self.run(try context.id("run"), in: store)
        guard try await store.requestStop(runID: run.id, now: access.now()) else {
            throw APIError(.conflict, "run \(run.id) is \(run.status.rawValue); only queued or running runs can be stopped")
        }
        try await access.audit(identity, "run.stop", target: "run:\(run.id)")
        return JSONResponse.make(status: .accepted, ["run": APIJSON.number(run.id), "stop_requested": true])
    }

    static func run(_ id: RunID, in store: any RunLogReader) async throws -> RunRecord {
        guard let run = try await store.run(id: id) else { throw APIError(.notFound, "no run \(id)") }
        return run
    }

    /// The step number of `step` (a shape id, a step number or `input`) in `run`, like the CLI's.
    static func sequence(of step: String, in run: RunRecord, store: any RunLogReader) async throws -> Int {
        if step == "input" || step == "0" { return 0 }
        let steps = try await store.steps(runID: run.id)
        if let number = Int(step), steps.contains(where: { $0.sequence == number }) { return number }
        guard let match = steps.last(where: { $0.shapeID == step }) else {
            throw APIError(.notFound, "run \(run.id) has no step '\(step)'; its steps are \(steps.map(\.shapeID).joined(separator: ", "))")
        }
        return match.sequence
    }
}
