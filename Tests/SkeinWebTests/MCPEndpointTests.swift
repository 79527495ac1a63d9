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

/// `/mcp` as the web server serves it: API tokens only, the token's role applies to each tool
/// call, bounded bodies, and browsers on other origins refused.
@Suite struct MCPEndpointTests {
    struct Responder: MCPResponder {
        let endpoint: MCPHTTPEndpoint
        func respond(method: String, headers: [String: String], body: Data?, caller: Identity) async -> (status: Int, headers: [String: String], body: Data) {
            let answer = await endpoint.respond(method: method, headers: headers, body: body, caller: caller)
            return (answer.status, answer.headers, answer.body)
        }
    }

    func application(_ fixture: UIFixture, as identity: Identity?) -> some ApplicationProtocol {
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: Logger(label: "mcp-test")))
        router.add(middleware: SignedIn(identity: identity))
        let operations = Operations(store: fixture.store, catalog: .permissive)
        MCPController(responder: Responder(endpoint: MCPHTTPEndpoint(toolbox: MCPToolbox(operations: operations)))).addRoutes(to: router)
        return Application(router: router)
    }

    static let headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]

    static func call(_ tool: String, _ arguments: JSON) -> ByteBuffer {
        ByteBuffer(
            string: JSON.object([
                "jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": ["name": .string(tool), "arguments": arguments],
            ]).serialized())
    }

    @Test func aTokensRoleAppliesToEachToolCall() async throws {
        let fixture = UIFixture()
        try await fixture.failedRun()
        let viewer = Identity(username: "vic", role: .viewer, method: .token)
        try await application(fixture, as: viewer).test(.router) { client in
            let found = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers,
                body: Self.call("search_runs", ["status": "failure"]))
            #expect(found.status == .ok)
            let result = try JSON(parsing: String(buffer: found.body))["result"]
            #expect(result?["isError"]?.boolValue == false)
            #expect(result?["structuredContent"]?["runs"]?[0]?["id"]?.numberValue == 1)

            let refused = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers,
                body: Self.call("replay_run", ["run": 1, "step": "each", "confirm": true]))
            let refusal = try JSON(parsing: String(buffer: refused.body))["result"]
            #expect(refusal?["isError"]?.boolValue == true)
            #expect(refusal?["content"]?[0]?["text"]?.stringValue == "this needs the operator role; vic is viewer")
        }
    }

    @Test func aBrowserSessionIsNotEnoughAndNobodyIsRefused() async throws {
        let fixture = UIFixture()
        for identity in [UIFixture.identity(.admin), nil] {
            try await application(fixture, as: identity).test(.router) { client in
                let answer = try await client.execute(uri: "/mcp", method: .post, headers: Self.headers, body: Self.call("list_flows", [:]))
                #expect(answer.status == .unauthorized)
                #expect(String(buffer: answer.body).contains("the MCP endpoint takes an API token"))
            }
        }
    }

    @Test func oversizedBodiesAndOtherOriginsAreRefused() async throws {
        let fixture = UIFixture()
        let viewer = Identity(username: "vic", role: .viewer, method: .token)
        try await application(fixture, as: viewer).test(.router) { client in
            let huge = ByteBuffer(
                string: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"pad\":\"" + String(repeating: "x", count: MCPController.maximumBodyBytes) + "\"}")
            let tooLarge = try await client.execute(uri: "/mcp", method: .post, headers: Self.headers, body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            var elsewhere = Self.headers
            elsewhere[.origin] = "http://evil.example"
            let crossSite = try await client.execute(uri: "/mcp", method: .post, headers: elsewhere, body: Self.call("list_flows", [:]))
            #expect(crossSite.status == .forbidden)
            let stream = try await client.execute(uri: "/mcp", method: .get, headers: [.accept: "text/event-stream"])
            #expect(stream.status == .methodNotAllowed)
        }
    }
}
