import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Runs: `GET /runs` (the `RunFilter` parameters; keyset pages with `before` = the last id
/// seen, `next_before` in the answer; each failed run's `recovered_by`, the later run that
/// recovered it, and `unrecovered=true` for the failures nothing recovered yet), `GET /runs/{run}`
/// (with the runs replayed or retried from it), `GET /runs/{run}/steps`, `POST /runs/{run}/stop` (operator), and
/// `GET /failures` (failed runs of a window grouped by error).
struct RunsController: Sendable {
    let operations: Operations

    var runs: RunOperations { operations.runs }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("runs") { request, context in
            let page = try await runs.list(context.identity, Inputs(request))
            return JSONResponse.ok([
                "runs": .array(page.runs.map { APIJSON.run($0, recoveredBy: page.recoveredBy[$0.id]) }),
                "next_before": page.nextBefore.map(APIJSON.number) ?? .null,
            ])
        }
        group.get("runs/:run") { _, context in
            let detail = try await runs.detail(context.identity, try context.id("run"))
            var object = APIJSON.run(detail.run, recoveredBy: detail.recoveredBy).objectValue ?? [:]
            object["input_payloads"] = APIJSON.number(detail.inputs.count)
            object["steps"] = .array(detail.steps.map(APIJSON.step))
            object["follow_up_runs"] = .array(detail.followUps.map(APIJSON.run))
            return JSONResponse.ok(.object(object))
        }
        group.get("runs/:run/steps") { _, context in
            JSONResponse.ok(["steps": .array(try await runs.steps(context.identity, try context.id("run")).map(APIJSON.step))])
        }
        group.post("runs/:run/stop") { _, context in
            let run = try await runs.stop(context.identity, try context.id("run"))
            return JSONResponse.make(status: .accepted, ["run": APIJSON.number(run.id), "stop_requested": true])
        }
        group.get("failures") { request, context in
            let (groups, scanned) = try await runs.failures(context.identity, Inputs(request))
            return JSONResponse.ok(["failed_runs": APIJSON.number(scanned), "groups": .array(groups.map(APIJSON.failureGroup))])
        }
    }
}
