import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Flows: list and read (viewer); deploy a YAML or JSON flow file, enable/disable, and toggle a
/// shape's `skip` by deploying a new version (builder); start a run with given data from a given
/// step — "initialise flow with data" (operator).
struct FlowsController: Sendable {
    let operations: Operations

    var flows: FlowOperations { operations.flows }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("flows") { _, context in
            JSONResponse.ok(["flows": .array(try await flows.list(context.identity).map { APIJSON.flow($0) })])
        }
        group.post("flows") { request, context in
            try Permission.build.require(context.identity)
            var request = request
            let text = try await request.text(limit: FlowFile.maximumBytes)
            return Self.deployed(try await flows.deploy(context.identity, text: text))
        }
        group.get("flows/:flow") { _, context in try await self.show(context: context, version: nil) }
        group.get("flows/:flow/versions") { _, context in
            let versions = try await flows.versions(context.identity, try context.string("flow"))
            return JSONResponse.ok([
                "flow": .string(versions.first?.flowID ?? ""),
                "versions": .array(
                    versions.map {
                        ["version": APIJSON.number($0.version), "deployed_at": APIJSON.iso($0.deployedAt)]
                    }),
            ])
        }
        group.get("flows/:flow/versions/:version") { _, context in
            try await self.show(context: context, version: Int(try context.int64("version")))
        }
        group.post("flows/:flow/enable") { _, context in try await self.setEnabled(true, context: context) }
        group.post("flows/:flow/disable") { _, context in try await self.setEnabled(false, context: context) }
        group.put("flows/:flow/shapes/:shape/skip") { request, context in
            try Permission.build.require(context.identity)
            var request = request
            let body = try await request.jsonObject()
            guard let skip = try body.bool("skip") else { throw APIError.invalid("skip", "skip (true or false) is required") }
            return Self.deployed(try await flows.setSkip(context.identity, try context.string("flow"), shape: try context.string("shape"), skip: skip))
        }
        group.post("flows/:flow/runs") { request, context in try await self.start(request, context: context) }
        group.post("flows/:flow/preview") { request, context in try await self.preview(request, context: context) }
    }

    /// Tries `shape` (`{"id", "<type>": {settings}}`, saved or not) on payload `index` (default 0)
    /// that its step received in `run` (default: the newest run that reached it) — builder.
    func preview(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        try Permission.build.require(context.identity)
        var request = request
        let body = try await request.jsonObject()
        guard let shape = body["shape"] else { throw APIError.invalid("shape", "shape ({\"id\": …, \"map\": {…}}) is required") }
        let preview = try await operations.preview.preview(
            context.identity, flowID: try context.string("flow"), shape: shape, run: try body.int("run").map { RunID(Int64($0)) },
            index: try body.int("index") ?? 0)
        return JSONResponse.ok(preview.json)
    }

    func show(context: SkeinRequestContext, version: Int?) async throws -> Response {
        let flow = try await flows.flow(context.identity, try context.string("flow"), version: version)
        return JSONResponse.ok(APIJSON.flow(flow, sourceFor: try context.caller().role))
    }

    static func deployed(_ result: (flow: DeployedFlow, isNew: Bool)) -> Response {
        var object = APIJSON.flow(result.flow).objectValue ?? [:]
        object["new_version"] = .bool(result.isNew)
        return JSONResponse.make(status: result.isNew ? .created : .ok, .object(object))
    }

    func setEnabled(_ enabled: Bool, context: SkeinRequestContext) async throws -> Response {
        let flow = try await flows.setEnabled(context.identity, try context.string("flow"), enabled: enabled)
        return JSONResponse.ok(["id": .string(flow.flowID), "enabled": .bool(enabled)])
    }

    /// Queues a run of the latest version with `input` (any JSON) or `input_text` (with
    /// `content_type`), entering at `step` (default: the first shape).
    func start(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        try Permission.operate.require(context.identity)
        var request = request
        let body = try await request.jsonObject(allowEmpty: true)
        var input: [Payload] = []
        if let text = try body.string("input_text") {
            input = [Payload(bytes: Array(text.utf8), contentType: try body.string("content_type") ?? "text/plain")]
        } else if let json = body["input"] {
            input = [Payload(bytes: Array(json.serialized().utf8), contentType: "application/json")]
        }
        let run = try await flows.run(
            context.identity, try context.string("flow"), fromStep: try body.string("step"), input: input,
            launcher: operations.queue)
        return JSONResponse.make(status: .accepted, APIJSON.run(run))
    }
}
