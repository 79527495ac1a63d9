import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinMCP
import SkeinOperations
import SkeinStorageMemory
import Testing

@testable import SkeinWeb

/// The same filter inputs, good and bad, through the operations' parser, the REST API, the
/// web UI and the MCP tools (`search_runs`, `search_sync`): each accepts what the others accept
/// and refuses the rest with the same message (the CLI's side is in tests/e2e/test_sync_reports.py,
/// which prints these messages).
@Suite struct FilterParityTests {
    /// (query string, the message a refusal carries; nil when the filter is good)
    static let runs: [(String, String?)] = [
        ("status=failure", nil), ("status=failure,success&trigger=webhook&days=3", nil), ("from=2026-05-01&to=2026-05-02", nil),
        ("status=lost", "unknown status 'lost'; use"), ("trigger=fax", "unknown trigger 'fax'; use"),
        ("from=yesterday", "from must be a UTC date"), ("before=x", "before must be an id"), ("limit=0", "limit must be a whole number"),
        ("days=0", "days must be a whole number from 1 to 3650, found '0'"),
        ("unrecovered=true", nil), ("from=&to=&status=failure", nil), ("status=failure&unrecovered=false", nil),
        ("unrecovered=maybe", "unrecovered must be true or false, found 'maybe'"),
        ("status=success&unrecovered=true", "unrecovered lists failed runs only; drop status or use status=failure"),
    ]
    static let sync: [(String, String?)] = [
        ("status=failed", nil), ("status=ok,failed&days=15&sort=reference&order=asc", nil), ("search=RP-1", nil), ("from=&to=&status=failed", nil),
        ("status=lost", "unknown status 'lost'; use"), ("days=30", "days must be a whole number from 1 to 15, found '30'"),
        ("days=0", "days must be a whole number from 1 to 15, found '0'"), ("sort=colour", "sort must be one of"),
        ("from=yesterday", "from must be a UTC date"),
    ]

    func application(_ store: MemoryStore, as identity: Identity = UIFixture.identity(.viewer)) -> some ApplicationProtocol {
        let logger = Logger(label: "parity-test")
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: logger))
        router.add(middleware: SignedIn(identity: identity))
        let services = WebServices(operations: Operations(store: store, catalog: .permissive))
        APIRoutes.add(to: router, store: store, services: services, settings: WebSettings())
        UIController(store: store, settings: WebSettings(), services: services, logger: logger).addRoutes(to: router)
        return Application(router: router)
    }

    static func pairs(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// What the operations say about `query`: nil when it parses, else the message.
    static func parse(_ query: String, sync: Bool) -> String? {
        let pairs = pairs(query)
        do {
            if sync { _ = try SyncFilter.query(Inputs(pairs: pairs), now: Date()) } else { _ = try RunFilter.query(Inputs(pairs: pairs), now: Date()) }
            return nil
        } catch { return error.message }
    }

    /// What the MCP tool answers for `query` (its names as the tool's arguments, each value as the
    /// string an assistant might send): nil when it answers, else its tool error's text.
    static func mcp(_ query: String, sync: Bool, store: MemoryStore) async -> String? {
        var arguments: JSON.Object = [:]
        for (name, value) in pairs(query) { arguments[name] = .string(value) }
        let toolbox = MCPToolbox(operations: Operations(store: store, catalog: .permissive))
        let answer = await toolbox.call(sync ? "search_sync" : "search_runs", arguments: arguments, caller: UIFixture.identity(.viewer))
        return answer?.isError == false ? nil : answer?.text ?? "no such tool"
    }

    @Test(arguments: [false, true]) func everyFrontEndAcceptsAndRefusesTheSameFilters(sync: Bool) async throws {
        let store = MemoryStore()
        try await application(store).test(.router) { client in
            for (query, expected) in sync ? Self.sync : Self.runs {
                let parsed = Self.parse(query, sync: sync)
                if let expected {
                    #expect(parsed?.contains(expected) == true, "operations: \(query) -> \(parsed ?? "accepted")")
                } else {
                    #expect(parsed == nil, "operations: \(query) -> \(parsed ?? "")")
                }
                let mcp = await Self.mcp(query, sync: sync, store: store)
                #expect(mcp == parsed, "MCP: \(query) -> \(mcp ?? "accepted")")

                let api = try await client.execute(uri: "/api/v1/\(sync ? "sync" : "runs")?\(query)", method: .get)
                let ui = try await client.execute(uri: "/\(sync ? "sync" : "runs")?\(query)", method: .get)
                let page = String(buffer: ui.body)
                guard let message = parsed else {
                    #expect(api.status == .ok, "API: \(query)")
                    #expect(ui.status == .ok, "UI: \(query)")
                    continue
                }
                #expect(api.status == .badRequest, "API: \(query)")
                let error = try JSON(parsing: String(buffer: api.body))["error"]
                #expect(error?["code"]?.stringValue == "invalid_field", "API: \(query)")
                #expect(error?["message"]?.stringValue == message, "API: \(query)")
                #expect(ui.status == .badRequest, "UI: \(query)")
                #expect(page.contains(HTML.escape(message)), "UI: \(query) must show \(message)")
            }
        }
    }

    /// The web UI's answer to a form action: a refused role is a page (403) showing the message;
    /// any other refusal sends the browser back with the message as `error`.
    static func uiMessage(_ response: TestResponse) -> String? {
        if response.status == .forbidden { return String(buffer: response.body) }
        guard let location = response.headers[.location] else { return nil }
        return URLComponents(string: location)?.queryItems?.first { $0.name == "error" }?.value
    }

    /// Recovery through the API, the MCP tools and the web UI's buttons: the same refusals with
    /// the same words — a viewer's replay, a bad entry point, a bad step, a run that does not
    /// exist, a bad sync id, a bad resync filter (read by the preview: this test wires no sender). (The CLI's column is in
    /// tests/e2e/test_front_end_parity.py; it acts as the local admin, so it has no viewer row.
    /// The UI has no `from` on retry and no bulk retry; MCP has no bulk retry: nil there.)
    @Test func recoveryIsRefusedAlikeThroughTheAPIMCPAndUI() async throws {
        let fixture = UIFixture()
        try await fixture.failedRun()
        let toolbox = MCPToolbox(operations: Operations(store: fixture.store, catalog: .permissive))
        // (role, API path and body, MCP tool and arguments, UI path and form, expected API status, expected message prefix)
        let cases: [(Role, String, JSON, String?, JSON.Object, String?, [(String, String)], HTTPResponse.Status, String)] = [
            (
                .viewer, "/api/v1/runs/1/replay", ["step": "each"], "replay_run", ["run": 1, "step": "each", "confirm": true],
                "/runs/1/replay", [("sequence", "1")], .forbidden, "this needs the operator role; pat is viewer"
            ),
            (
                .operator, "/api/v1/runs/1/replay", ["step": "each", "at": "later"], "replay_run", ["run": 1, "step": "each", "at": "later", "confirm": true],
                "/runs/1/replay", [("sequence", "1"), ("at", "later")], .badRequest, "at must be one of"
            ),
            (
                .operator, "/api/v1/runs/1/replay", ["step": "nowhere"], "replay_run", ["run": 1, "step": "nowhere", "confirm": true],
                "/runs/1/replay", [("sequence", "nowhere")], .notFound, "run 1 has no step 'nowhere'"
            ),
            (.operator, "/api/v1/runs/99/retry", [:], "retry_run", ["run": 99, "confirm": true], "/runs/99/retry", [], .notFound, "no run 99"),
            (
                .operator, "/api/v1/runs/1/retry", ["from": "middle"], "retry_run", ["run": 1, "from": "middle", "confirm": true],
                nil, [], .badRequest, "from must be one of"
            ),
            (.operator, "/api/v1/runs/retry", ["days": "0"], nil, [:], nil, [], .badRequest, "days must be a whole number from 1 to 3650, found '0'"),
            (
                .operator, "/api/v1/sync/resync", ["ids": ["x"]], "resync", ["ids": ["x"], "confirm": true],
                "/sync/resync", [("scope", "selected"), ("id", "x")], .badRequest, "ids must be whole numbers (sync ids), found 'x'"
            ),
            (
                .operator, "/api/v1/sync/resync/preview", ["filter": ["status": "lost"]], "resync", ["status": "lost"],
                "/sync/resync", [("scope", "matching"), ("status", "lost")], .badRequest, "unknown status 'lost'; use"
            ),
        ]
        for (role, path, body, tool, arguments, uiPath, uiForm, status, message) in cases {
            try await application(fixture.store, as: UIFixture.identity(role)).test(.router) { client in
                let api = try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: body.serialized()))
                #expect(api.status == status, "API \(path) \(body.serialized())")
                let apiMessage = try JSON(parsing: String(buffer: api.body))["error"]?["message"]?.stringValue ?? ""
                #expect(apiMessage.hasPrefix(message), "API: \(apiMessage)")
                if let tool {
                    let answer = await toolbox.call(tool, arguments: arguments, caller: UIFixture.identity(role))
                    #expect(answer?.isError == true)
                    #expect(answer?.text == apiMessage, "MCP \(tool): \(answer?.text ?? "no answer")")
                }
                if let uiPath {
                    let ui = try await client.execute(uri: uiPath, method: .post, headers: formHeaders, body: form(uiForm + [("_back", "/runs/1")]))
                    let shown = Self.uiMessage(ui) ?? "accepted (\(ui.status))"
                    #expect(role == .viewer ? shown.contains(HTML.escape(apiMessage)) : shown == apiMessage, "UI \(uiPath): \(shown)")
                }
            }
        }
        #expect(try await fixture.store.runs(RunQuery(limit: 10)).count == 1, "every case was refused")
    }

    /// The playground's payload link (`?run=&sequence=&index=`) is read by the same parser: a
    /// bad value is refused naming it, not silently ignored.
    @Test func thePlaygroundRefusesABadPayloadLink() async throws {
        let store = MemoryStore()
        try await application(store).test(.router) { client in
            for (query, message) in [
                ("run=x", "run must be an id"), ("run=1&sequence=-1", "sequence must be a whole number"),
                ("run=1&sequence=1&index=two", "index must be a whole number"),
            ] {
                let page = try await client.execute(uri: "/playground?\(query)", method: .get)
                #expect(page.status == .badRequest, "\(query)")
                #expect(String(buffer: page.body).contains(message), "\(query) must say \(message)")
            }
            #expect(
                try await client.execute(uri: "/playground?run=1&sequence=1", method: .get).status == .ok, "a run that has no such payload says so on the page")
        }
    }
}
