import Foundation
import Hummingbird
import JSONata
import NIOPosix
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `POST /api/v1/expr` (viewer): tries a JSONata expression, as `skein expr` does.
///
/// Body: `expression`; the input either inline (`input`, any JSON) or a stored payload
/// (`payload`: `{"run": 12, "step": "fetch-orders", "index": 0}`, step = shape id, step number
/// or `input`); `bindings` (an object of variables); `timeout_ms` (≤ 5000) and `max_depth`.
/// Answers 200 with one of three outcomes:
/// `{"outcome":"value","result":…}`, `{"outcome":"undefined"}`, or
/// `{"outcome":"error","error":{"code":"T2001","message":…,"position":7,"caret":"…\n      ^"}}`.
struct ExprController: Sendable {
    let operations: Operations

    static let maximumTimeoutMs = 5000
    static let defaultTimeoutMs = Int((JSONataLimits.default.timeout ?? .seconds(1)).components.seconds * 1000)

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.post("expr") { request, context in try await self.evaluate(request, context: context) }
    }

    func evaluate(_ request: Request, context: SkeinRequestContext) async throws -> Response {
        let caller = try context.require(.viewer)
        var request = request
        let body = try await request.jsonObject()
        let expression = try body.string("expression", required: true) ?? ""
        guard !expression.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("expression", "expression is empty; write a JSONata expression such as $sum(items.price)")
        }
        if body["input"] != nil && body["payload"] != nil { throw APIError.invalid("payload", "give input or payload, not both") }
        let input = try await self.input(body, caller: caller)
        var bindings: [String: JSON] = [:]
        if let value = body["bindings"], value != .null {
            guard case .object(let members) = value else {
                throw APIError.invalid("bindings", "bindings must be an object of variables such as {\"rate\": 1.2}, found \(value.typeName)")
            }
            bindings = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        }
        let timeout = try body.int("timeout_ms") ?? Self.defaultTimeoutMs
        guard (1...Self.maximumTimeoutMs).contains(timeout) else {
            throw APIError.invalid("timeout_ms", "timeout_ms must be from 1 to \(Self.maximumTimeoutMs)")
        }
        let depth = try body.int("max_depth") ?? JSONataLimits.default.maxDepth
        guard (1...JSONataLimits.maximumDepth).contains(depth) else {
            throw APIError.invalid("max_depth", "max_depth must be from 1 to \(JSONataLimits.maximumDepth)")
        }
        // the other limits (nesting, sizes) are the defaults every front end shares
        var limits = JSONataLimits.default
        limits.maxDepth = depth
        limits.timeout = .milliseconds(timeout)
        let outcome: JSON
        let lookups = try await operations.lookups.forExpression(caller, expression)
        switch try await ExpressionTrial.evaluate(expression, input: input, bindings: bindings, functions: lookups.functions, limits: limits) {
        case .value(let result): outcome = ["outcome": "value", "result": result]
        case .undefined: outcome = ["outcome": "undefined"]
        case .failed(let error):
            var object: JSON.Object = ["code": .string(error.code), "message": .string(error.message)]
            object["position"] = error.position.map { APIJSON.number($0) } ?? .null
            object["caret"] = error.caret(in: expression, indent: "").map { .string($0) } ?? .null
            outcome = ["outcome": "error", "error": .object(object)]
        }
        return JSONResponse.ok(outcome)
    }

    func input(_ body: JSON.Object, caller: Identity) async throws -> JSON? {
        guard let reference = body["payload"], reference != .null else { return body["input"] }
        guard case .object(let fields) = reference else {
            throw APIError.invalid("payload", "payload must be {\"run\": ID, \"step\": STEP, \"index\": N}")
        }
        guard let runID = try fields.int("run") else { throw APIError.invalid("payload.run", "payload.run is required") }
        let step = try fields.string("step") ?? "input"
        let index = try fields.int("index") ?? 0
        let stored = try await operations.runs.payload(caller, run: RunID(Int64(runID)), step: step, index: index)
        do { return try stored.payload.json() } catch {
            throw APIError.invalid("payload", "payload \(index) of step '\(step)' of run \(stored.run.id) is not JSON: \(error)")
        }
    }

}
