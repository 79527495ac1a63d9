public import Foundation
import MCP
public import SkeinOperations

/// MCP's streamable HTTP transport for one endpoint (`/mcp` under `skein serve`), stateless:
/// each POST carries one JSON-RPC message and is answered with one JSON response (no session,
/// no server-sent events; GET and DELETE answer 405). Every request is served by a fresh
/// `Server` acting as that request's caller — the API token's identity — so a token's role
/// applies call by call and nothing is kept between requests.
///
/// The web server authenticates the request first (`Authorization: Bearer`); this checks the
/// MCP rules: `Accept` must allow JSON, the body must be JSON, a given `MCP-Protocol-Version`
/// must be one the SDK speaks, and an `Origin` (sent by browsers) must be this server's own.
public struct MCPHTTPEndpoint: Sendable {
    public let toolbox: MCPToolbox

    public init(toolbox: MCPToolbox) { self.toolbox = toolbox }

    /// An HTTP exchange in plain values, so the web server needs no MCP types.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
    }

    /// Answers one request to the endpoint (`method`, headers by name, body) made by `caller`.
    public func respond(method: String, headers: [String: String], body: Data?, caller: Identity) async -> Answer {
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                SameOriginValidator(), AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
            ]))
        let server = await SkeinMCPServer.make(toolbox, caller: caller)
        do { try await server.start(transport: transport) } catch {
            return Answer(status: 500, headers: ["Content-Type": "text/plain"], body: Data("the MCP server did not start: \(error)".utf8))
        }
        let response = await transport.handleRequest(HTTPRequest(method: method, headers: headers, body: body, path: "/mcp"))
        await server.stop()
        return Answer(status: response.statusCode, headers: response.headers, body: response.bodyData ?? Data())
    }
}

/// DNS-rebinding protection that works behind any host name: an `Origin`, when a browser sends
/// one, must name the host the request was sent to (`Host`). Clients other than browsers send none.
struct SameOriginValidator: HTTPRequestValidator {
    func validate(_ request: HTTPRequest, context: HTTPValidationContext) -> HTTPResponse? {
        guard let origin = request.header("Origin") else { return nil }
        let host = request.header("Host") ?? ""
        if let url = URL(string: origin), let originHost = url.host,
            (originHost + (url.port.map { ":\($0)" } ?? "")).lowercased() == host.lowercased()
        {
            return nil
        }
        return .error(statusCode: 403, .invalidRequest("cross-site request refused: it came from \(origin), not from this server"))
    }
}
