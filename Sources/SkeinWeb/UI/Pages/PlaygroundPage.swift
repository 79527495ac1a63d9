import Foundation
import Hummingbird
import JSONata
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/playground`: try a JSONata expression (the language of map, filter and assert shapes)
/// against a payload a run stored, with the result updating as you type.
///
/// The input comes from `?run=&sequence=&index=` (the payload viewer's link; a missing step
/// is 0, the run's input, and a missing index 0; a bad value is refused naming it) or, from a flow
/// page's map or filter shape (`?flow=&shape=&expr=`), from what that shape received in the
/// flow's latest run that reached it. Evaluation happens on the server (`POST
/// /playground/evaluate`), with the same engine and limits as a flow.
struct PlaygroundPage {
    let ui: UIController
    let identity: Identity

    /// The largest input the page pre-fills; bigger payloads are cut (and say so).
    static let inputLimit = 1024 * 1024
    /// The largest expression and input accepted for evaluation.
    static let evaluateLimit = 8 * 1024 * 1024
    /// The limits every front end shares (a flow's defaults).
    static let limits = JSONataLimits.default

    func response(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var expression = parameters.get("expr") ?? ""
        var payload = Inputs(request)  // run, sequence, index: read by the operations' parser, a bad one refused
        var source: HTML = "<span class=\"muted\">Paste JSON, or load a payload a run stored.</span>"
        var input = "{}"
        var problem: String?

        if let flow = parameters.get("flow"), let shape = parameters.get("shape"), payload.string("run") == nil,
            let found = try await latestInput(flowID: flow, shapeID: shape)
        {
            for (name, value) in [("run", String(found.run)), ("sequence", String(found.sequence)), ("index", "0")] { payload.set(name, value) }
        }
        if let runID: RunID = try payload.id("run") {
            let sequence = try payload.int("sequence", in: 0...Int(Int32.max)) ?? 0, index = try payload.int("index", in: 0...Int(Int32.max)) ?? 0
            if let payload = try await ui.store.payload(of: StepID(run: runID, sequence: sequence), index: index) {
                let (text, trimmed) = Self.inputText(payload)
                input = text
                source =
                    "Payload \(index) of step \(sequence) of <a href=\"/runs/\(runID)\">run \(runID)</a> (<a href=\"/runs/\(runID)/payloads/\(sequence)/\(index)\">view</a>)"
                if trimmed { problem = "The payload is larger than \(Format.bytes(Self.inputLimit)); only its beginning was loaded, which is not valid JSON." }
            } else {
                problem = "Run \(runID) has no payload \(index) at step \(sequence) (or its payloads expired)."
            }
        }
        if expression.isEmpty { expression = "$" }
        let content: HTML = """
            <h1>Expression playground</h1>
            <p class="lead">Try a JSONata expression against real data before it goes into a map or filter shape. Results update as you type.</p>
            <form class="filters" method="get" action="/playground" id="load-payload">
              <input type="hidden" name="expr" value="\(expression)">
              <label>Run <input name="run" value="\(payload.string("run") ?? "")" size="8" inputmode="numeric"></label>
              <label>Step number <input name="sequence" value="\(payload.string("sequence") ?? "")" size="6" inputmode="numeric" placeholder="0 = input"></label>
              <label>Payload index <input name="index" value="\(payload.string("index") ?? "0")" size="6" inputmode="numeric"></label>
              <button type="submit" class="secondary">Load payload</button>
              <span class="muted">\(source)</span>
            </form>
            <div class="playground">
              <div class="pane">
                <label for="expression"><b>Expression</b></label>
                <textarea id="expression" spellcheck="false">\(expression)</textarea>
                <div class="toolbar"><button id="evaluate">Evaluate</button><span class="muted">Limits: 1 s, depth 1000 — as in a flow.</span></div>
                <label for="result"><b>Result</b></label>
                <pre id="result" aria-live="polite"></pre>
              </div>
              <div class="pane">
                <label for="input"><b>Input (JSON)</b></label>
                <textarea id="input" spellcheck="false">\(input)</textarea>
              </div>
            </div>
            """
        return UIController.html(Layout(title: "Playground", section: .playground, identity: identity, error: problem).render(content))
    }

    /// Where the latest run of `flowID` that reached `shapeID` got that step's input: the step
    /// before it (or the run's input).
    func latestInput(flowID: String, shapeID: String) async throws -> (run: RunID, sequence: Int)? {
        for run in try await ui.store.runs(RunQuery(flowID: flowID, limit: 20)) where !run.payloadsExpired {
            if let step = try await ui.store.steps(runID: run.id).last(where: { $0.shapeID == shapeID }) {
                return (run.id, step.sequence - 1)
            }
        }
        return nil
    }

    static func inputText(_ payload: Payload) -> (String, Bool) {
        if payload.isJSON, payload.bytes().count <= inputLimit, let json = try? payload.json() { return (json.serialized(.pretty), false) }
        let bytes = payload.bytes()
        return (String(decoding: bytes.prefix(inputLimit), as: UTF8.self), bytes.count > inputLimit)
    }

    /// `POST /playground/evaluate` `{"expression": "...", "input": "<JSON text>", "bindings": {...}}` →
    /// `{"result": value}`, `{"undefined": true}` or `{"error": {"code", "message", "position", "caret"}}`.
    func evaluate(_ request: Request) async throws -> Response {
        var request = request
        let body: JSON
        do { body = try JSON(parsing: Array(buffer: try await request.collectBody(upTo: Self.evaluateLimit))) } catch {
            throw APIError(.invalidBody, "send a JSON object with expression and input (at most \(Self.evaluateLimit) bytes)")
        }
        guard let expression = body["expression"]?.stringValue else { throw APIError(.invalidBody, "expression: a string is required") }
        let inputText = body["input"]?.stringValue ?? ""
        var document: JSON?
        if !inputText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do { document = try JSON(parsing: inputText) } catch {
                return Self.json(["error": ["code": "input", "message": .string("the input is not valid JSON: \(error)")]])
            }
        }
        var bindings: [String: JSON] = [:]
        if let object = body["bindings"]?.objectValue { for (name, value) in object { bindings[name] = value } }
        let lookups = try await ui.operations.lookups.forExpression(identity, expression)
        switch try await ExpressionTrial.evaluate(expression, input: document, bindings: bindings, functions: lookups.functions, limits: Self.limits) {
        case .value(let result): return Self.json(["result": result])
        case .undefined: return Self.json(["undefined": true])
        case .failed(let error):
            var object: JSON.Object = ["code": .string(error.code), "message": .string(error.message)]
            if let position = error.position { object["position"] = .number(Double(position)) }
            if let caret = error.caret(in: expression) { object["caret"] = .string(caret) }
            return Self.json(["error": .object(object)])
        }
    }

    static func json(_ body: JSON) -> Response { JSONResponse.make(status: .ok, body) }
}
