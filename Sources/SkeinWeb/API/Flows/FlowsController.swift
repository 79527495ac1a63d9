import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Flows: list and read (viewer); deploy a YAML or JSON flow file, enable/disable, and toggle a
/// shape's `skip` by deploying a new version (builder); start a run with given data from a given
/// step — "initialise flow with data" (operator).
struct FlowsController: Sendable {
    let store: any FlowReader & FlowWriter & RunIntake
    let access: AccessService
    let catalog: ShapeCatalog

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("flows") { _, context in try await self.list(context: context) }
        group.post("flows") { request, context in try await self.deploy(request, context: context) }
        group.get("flows/:flow") { _, context in try await self.show(context: context, version: nil) }
        group.get("flows/:flow/versions") { _, context in try await self.versions(context: context) }
        group.get("flows/:flow/versions/:version") { _, context in
            try await self.show(context: context, version: Int(try context.int64("version")))
        }
        group.post("flows/:flow/enable") { _, context in try await self.setEnabled(true, context: context) }
        group.post("flows/:flow/disable") { _, context in try await self.setEnabled(false, context: context) }
        group.put("flows/:flow/shapes/:shape/skip") { request, context in try await self.setSkip(request, context: context) }
        group.post("flows/:flow/runs") { request, context in try await self.start(request, context: context) }
    }

    func list(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        return JSONResponse.ok(["flows": .array(try await store.flows().map { APIJSON.flow($0) })])
    }

    func flow(_ context: SkeinRequestContext, version: Int? = nil) async throws -> DeployedFlow {
        let id = try context.string("flow")
        guard let flow = try await store.flow(id: id, version: version) else {
            throw APIError(.notFound, version.map { "flow '\(id)' has no version \($0)" } ?? "no flow '\(id)'")
        }
        return flow
    }

    func show(context: SkeinRequestContext, version: Int?) async throws -> Response {
        let identity = try context.require(.viewer)
        return JSONResponse.ok(APIJSON.flow(try await flow(context, version: version), sourceFor: identity.role))
    }

    func versions(context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        let latest = try await flow(context)
        let versions = try await store.versions(of: latest.flowID)
        return JSONResponse.ok(["flow": .string(latest.flowID), "versions": .array(versions.map {
            ["version": APIJSON.number($0.version), "deployed_at": APIJSON.iso($0.deployedAt)]
        })])
    }

    func deploy(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let text = try await request.text(limit: FlowFile.maximumBytes)
        return try await deploy(text, identity: identity, action: "flow.deploy")
    }

    func deploy(_ text: String, identity: Identity, action: String, details: JSON.Object = [:]) async throws -> Response {
        let definition: FlowDefinition
        do { definition = try FlowFile.decode(text, source: nil, catalog: catalog) } catch {
            throw APIError(.invalidFlow, error.description, details: ["problems": .array(error.problems.map {
                ["path": .string($0.path), "message": .string($0.message)]
            })])
        }
        let (flow, isNew) = try await store.deploy(definition, source: text, now: access.now())
        if isNew {
            var details = details
            details["version"] = APIJSON.number(flow.version)
            try await access.audit(identity, action, target: "flow:\(flow.flowID)", details: .object(details))
        }
        var object = APIJSON.flow(flow).objectValue ?? [:]
        object["new_version"] = .bool(isNew)
        return JSONResponse.make(status: isNew ? .created : .ok, .object(object))
    }

    func setEnabled(_ enabled: Bool, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        let flow = try await flow(context)
        try await store.setEnabled(flowID: flow.flowID, enabled: enabled)
        try await access.audit(identity, enabled ? "flow.enable" : "flow.disable", target: "flow:\(flow.flowID)")
        return JSONResponse.ok(["id": .string(flow.flowID), "enabled": .bool(enabled)])
    }

    /// Deploys a new version whose only change is the shape's `skip` (a YAML file edited in place, comments kept).
    func setSkip(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let body = try await request.jsonObject()
        guard let skip = try body.bool("skip") else { throw APIError.invalid("skip", "skip (true or false) is required") }
        let flow = try await flow(context)
        let shapeID = try context.string("shape")
        let source: String
        do { source = try FlowSkipEdit.source(flow.source, settingSkip: skip, onShape: shapeID) } catch {
            throw APIError(.notFound, "flow '\(flow.flowID)' has no shape '\(shapeID)'")
        }
        return try await deploy(source, identity: identity, action: skip ? "flow.skip" : "flow.unskip",
                                details: ["shape": .string(shapeID)])
    }

    /// Queues a run of the latest version with `input` (any JSON) or `input_text` (with
    /// `content_type`), entering at `step` (default: the first shape).
    func start(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        var request = request
        let body = try await request.jsonObject(allowEmpty: true)
        let flow = try await flow(context)
        var input: [Payload] = []
        if let text = try body.string("input_text") {
            input = [Payload(bytes: Array(text.utf8), contentType: try body.string("content_type") ?? "text/plain")]
        } else if let json = body["input"] {
            input = [Payload(bytes: Array(json.serialized().utf8), contentType: "application/json")]
        }
        let step = try body.string("step")
        let planned: NewRun
        do {
            planned = try ManualRun.plan(flow, fromStep: step, input: input, trigger: identity.method == .token ? .api : .manual)
        } catch let error as RecoveryError {
            throw APIError.invalid("step", error.message)
        }
        let run = try await store.enqueue(planned, now: access.now())
        try await access.audit(identity, "flow.run", target: "flow:\(flow.flowID)",
                               details: ["new_run": APIJSON.number(run.id), "step": step.map(JSON.string) ?? .null])
        return JSONResponse.make(status: .accepted, APIJSON.run(run))
    }
}
