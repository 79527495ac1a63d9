import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
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
    ]
    static let sync: [(String, String?)] = [
        ("status=failed", nil), ("status=ok,failed&days=15&sort=reference&order=asc", nil), ("search=RP-1", nil),
        ("status=lost", "unknown status 'lost'; use"), ("days=30", "days must be a whole number from 1 to 15, found '30'"),
        ("days=0", "days must be a whole number from 1 to 15, found '0'"), ("sort=colour", "sort must be one of"),
        ("from=yesterday", "from must be a UTC date"),
    ]

    func application(_ store: MemoryStore) -> some ApplicationProtocol {
        let logger = Logger(label: "parity-test")
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: logger))
        router.add(middleware: SignedIn(identity: UIFixture.identity(.viewer)))
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
                if let expected { #expect(parsed?.contains(expected) == true, "operations: \(query) -> \(parsed ?? "accepted")") } else { #expect(parsed == nil, "operations: \(query) -> \(parsed ?? "")") }
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
}
