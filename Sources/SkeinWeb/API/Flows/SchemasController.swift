import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// What flow files may say, for editors and the browser's flow builder (viewer): the JSON Schema
/// of flow files (`GET /api/v1/schemas/flow`, the same as `skein flow schema`) and the shape specs
/// it is generated from (`GET /api/v1/schemas/shapes`, as `skein flow schema --specs`). Both come
/// from this server's shape catalog, so they list exactly the shape types it can run. Also the
/// next fire times of a cron expression (`GET /api/v1/schedules/preview`).
struct SchemasController: Sendable {
    let documents: [String: JSON]

    init(catalog: ShapeCatalog) {
        documents = ["flow": FlowSchema.document(catalog: catalog), "shapes": SpecJSON.document(catalog: catalog)]
    }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        for name in documents.keys { group.get("schemas/\(name)") { _, context in try self.show(name, context: context) } }
        group.get("schedules/preview") { request, context in try Self.previewSchedule(Inputs(request), context: context) }
    }

    /// `?cron=0 9 * * MON-FRI&count=5`: the next times (UTC) a schedule trigger with this cron
    /// expression would fire, as the flow builder's trigger form previews them (and
    /// `skein flow next-runs`); a bad expression is refused naming what is wrong.
    static func previewSchedule(_ parameters: Inputs, context: SkeinRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        guard let expression = parameters.string("cron") else {
            throw OperationError.invalid("cron", "cron (5 fields: minute hour day-of-month month day-of-week) is required")
        }
        let count = try parameters.int("count", in: 1...CronSchedule.maximumPreview) ?? 5
        let schedule: CronSchedule
        do { schedule = try CronSchedule(expression) } catch { throw OperationError.invalid("cron", "cron '\(expression)': \(error)") }
        return JSONResponse.ok(["cron": .string(schedule.description), "next": .array(schedule.nextFires(after: Date(), count: count).map(APIJSON.iso))])
    }

    func show(_ name: String, context: SkeinRequestContext) throws -> Response {
        _ = try context.require(.viewer)
        return JSONResponse.ok(documents[name] ?? .null)
    }
}
