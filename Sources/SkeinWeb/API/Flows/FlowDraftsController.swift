import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// Drafts and versions (`FlowDrafting`): read the draft (viewer), validate a text, save or
/// discard the draft and deploy it, roll back to an old version (builder); diff two versions.
struct FlowDraftsController: Sendable {
    let drafting: FlowDrafting
    let store: any FlowDraftStore

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("drafts") { _, context in try await self.list(context: context) }
        group.post("drafts") { request, context in try await self.create(request, context: context) }
        group.post("flows/validate") { request, context in try await self.validate(request, context: context) }
        group.get("flows/:flow/draft") { _, context in try await self.show(context: context) }
        group.put("flows/:flow/draft") { request, context in try await self.save(request, context: context) }
        group.delete("flows/:flow/draft") { _, context in try await self.discard(context: context) }
        group.post("flows/:flow/draft/edits") { request, context in try await self.edit(request, context: context) }
        group.post("flows/:flow/draft/deploy") { request, context in try await self.deploy(request, context: context) }
        group.post("flows/:flow/rollback") { request, context in try await self.rollback(request, context: context) }
        group.get("flows/:flow/diff") { request, context in try await self.diff(request, context: context) }
    }

    func list(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.viewer)
        return JSONResponse.ok([
            "drafts": .array(
                try await store.drafts().map {
                    [
                        "flow": .string($0.flowID), "base_version": $0.baseVersion.map(APIJSON.number) ?? .null, "updated_by": .string($0.updatedBy),
                        "updated_at": APIJSON.iso($0.updatedAt), "source_bytes": APIJSON.number($0.source.utf8.count),
                    ]
                }), "role": .string(identity.role.rawValue),
        ])
    }

    /// A new flow's first draft: the text names the flow.
    func create(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let text = try await request.text(limit: FlowFile.maximumBytes)
        guard !text.isEmpty else { throw APIError.invalid("body", "the request body (a flow file's text) is required") }
        let working = try await call { try await drafting.save(nil, text: text, actor: actor(identity)) }
        return JSONResponse.make(status: .created, Self.json(working, role: identity.role))
    }

    /// The located problems of a flow file's text, as `skein flow validate` reports them (viewer:
    /// checking changes nothing).
    func validate(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        _ = try context.require(.viewer)
        var request = request
        let text = try await request.text(limit: FlowFile.maximumBytes)
        guard !text.isEmpty else { throw APIError.invalid("body", "the request body (a flow file's text) is required") }
        let problems = drafting.problems(text)
        return JSONResponse.ok(["valid": .bool(problems.isEmpty), "problems": Self.problems(problems, in: text)])
    }

    func show(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.viewer)
        let flowID = try context.string("flow")
        return JSONResponse.ok(Self.json(try await call { try await drafting.working(flowID) }, role: identity.role))
    }

    func save(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let text = try await request.text(limit: FlowFile.maximumBytes)
        guard !text.isEmpty else { throw APIError.invalid("body", "the request body (a flow file's text) is required") }
        let flowID = try context.string("flow")
        return JSONResponse.ok(Self.json(try await call { try await drafting.save(flowID, text: text, actor: actor(identity)) }, role: identity.role))
    }

    /// `{"edits": [{"op": "set", "shape": "to-erp-format", "field": "map.fields", "value": {…}}, …]}`:
    /// applied in order to the draft (or the latest version), all or nothing, and saved as the draft.
    func edit(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let body = try await request.jsonObject(limit: FlowFile.maximumBytes)
        guard case .array(let list)? = body["edits"], !list.isEmpty else {
            throw APIError.invalid("edits", "edits (a list of edits, each an object with an op) is required")
        }
        guard list.count <= FlowEdit.maximumEdits else {
            throw APIError.invalid("edits", "at most \(FlowEdit.maximumEdits) edits at once; this has \(list.count)")
        }
        var edits: [FlowEdit] = []
        for (index, json) in list.enumerated() {
            do { edits.append(try FlowEdit(json: json, path: "edits[\(index)]")) } catch {
                let problem = error.problems.first ?? FlowProblem(path: "edits[\(index)]", message: "not an edit")
                throw APIError(.invalidField, problem.message, field: problem.path)
            }
        }
        let flowID = try context.string("flow")
        let edited = try await call { try await drafting.edit(flowID, edits, actor: actor(identity)) }
        var json = Self.json(edited.working, role: identity.role).objectValue ?? [:]
        json["added_shapes"] = .array(edited.addedShapes.map(JSON.string))
        return JSONResponse.ok(.object(json))
    }

    func discard(context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        let flowID = try context.string("flow")
        let removed = try await drafting.discard(flowID, actor: actor(identity))
        guard removed else { throw APIError(.notFound, "flow '\(flowID)' has no draft") }
        return JSONResponse.ok(["flow": .string(flowID), "discarded": true])
    }

    func deploy(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let body = try await request.jsonObject(allowEmpty: true)
        let force = try body.bool("force") ?? false
        let flowID = try context.string("flow")
        let (flow, isNew) = try await call { try await drafting.deployDraft(flowID, actor: actor(identity), force: force) }
        return Self.deployed(flow, isNew: isNew)
    }

    func rollback(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.builder)
        var request = request
        let body = try await request.jsonObject()
        guard let version = try body.int("version"), version >= 1 else {
            throw APIError.invalid("version", "version (the version to roll back to, from 1) is required")
        }
        let flowID = try context.string("flow")
        let (flow, isNew) = try await call { try await drafting.rollback(flowID, to: version, actor: actor(identity)) }
        return Self.deployed(flow, isNew: isNew)
    }

    /// `?from=1&to=2` (`to` absent: the draft, or the latest version when there is none).
    func diff(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let identity = try context.require(.viewer)
        let query = Inputs(request)
        guard let from = try query.int("from", in: 1...Int(Int32.max)) else { throw APIError.invalid("from", "from (a version) is required") }
        let to = try query.int("to", in: 1...Int(Int32.max))
        let flowID = try context.string("flow")
        let diff = try await call { try await drafting.diff(flowID, from: from, to: to) }
        return JSONResponse.ok(Self.json(diff, flowID: flowID, from: from, to: to, role: identity.role))
    }

    func actor(_ identity: Identity) -> String { identity.username + (identity.method == .token ? " (token)" : "") }

    /// Runs a drafting call, answering its refusals as API errors.
    func call<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as FlowDraftError {
            switch error.code {
            case .notFound: throw APIError(.notFound, error.message)
            case .conflict: throw APIError(.conflict, error.message)
            case .invalid: throw APIError(.invalidField, error.message, field: error.message.hasPrefix("id:") ? "id" : nil)
            case .invalidFlow: throw APIError(.invalidFlow, error.message, details: ["problems": Self.problems(error.problems)])
            }
        }
    }

    static func deployed(_ flow: DeployedFlow, isNew: Bool) -> Response {
        var object = APIJSON.flow(flow).objectValue ?? [:]
        object["new_version"] = .bool(isNew)
        return JSONResponse.make(status: isNew ? .created : .ok, .object(object))
    }

    /// Each problem's path and message, and with the text it is about, its 1-based `line` there
    /// (`FlowProblemLine`; null when it cannot be located) for editors to mark.
    static func problems(_ problems: [FlowProblem], in text: String? = nil) -> JSON {
        guard let text else { return .array(problems.map { ["path": .string($0.path), "message": .string($0.message)] }) }
        let lines = FlowProblemLine.lines(of: problems, in: text)
        return .array(
            zip(problems, lines).map { problem, line in
                ["path": .string(problem.path), "message": .string(problem.message), "line": line.map { APIJSON.number($0) } ?? .null]
            })
    }

    static func json(_ working: FlowDrafting.Working, role: Role) -> JSON {
        [
            "flow": .string(working.flowID), "source": .string(FlowSourceView.text(working.source, for: role)),
            "saved": .bool(working.draft != nil), "base_version": working.draft?.baseVersion.map(APIJSON.number) ?? .null,
            "latest_version": working.latestVersion.map(APIJSON.number) ?? .null,
            "updated_by": working.draft.map { .string($0.updatedBy) } ?? .null,
            "updated_at": working.draft.map { APIJSON.iso($0.updatedAt) } ?? .null,
            "valid": .bool(working.problems.isEmpty), "problems": problems(working.problems, in: working.source),
        ]
    }

    static func json(_ diff: FlowDiff, flowID: String, from: Int, to: Int?, role: Role) -> JSON {
        func side(_ side: FlowDiff.ShapeSide?) -> JSON {
            guard let side else { return .null }
            return ["path": .string(side.path), "shape": FlowSourceView.redacted(side.shape, for: role)]
        }
        return [
            "flow": .string(flowID), "from": APIJSON.number(from), "to": to.map(APIJSON.number) ?? .string("draft"),
            "identical": .bool(diff.isEmpty),
            "keys": .array(
                diff.keys.map {
                    [
                        "key": .string($0.key), "from": $0.from.map { FlowSourceView.redacted($0, for: role) } ?? .null,
                        "to": $0.to.map { FlowSourceView.redacted($0, for: role) } ?? .null,
                    ]
                }),
            "shapes": .array(
                diff.shapes.map {
                    ["id": .string($0.id), "change": .string($0.change.rawValue), "from": side($0.from), "to": side($0.to)]
                }),
        ]
    }
}
