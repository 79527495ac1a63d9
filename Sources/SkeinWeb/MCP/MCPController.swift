public import Foundation
import Hummingbird
import NIOCore
public import SkeinOperations

/// What answers MCP's streamable HTTP at `/mcp` (SkeinMCP's `MCPHTTPEndpoint`, wired in by
/// SkeinApp), in plain values so this target does not link the MCP SDK.
public protocol MCPResponder: Sendable {
    /// Answers one request to `/mcp` made by `caller` (already authenticated by an API token).
    func respond(method: String, headers: [String: String], body: Data?, caller: Identity) async -> (status: Int, headers: [String: String], body: Data)
}

/// `/mcp`: the MCP server for remote assistants, behind API tokens. The access middleware has
/// found the token's identity; this insists on a token (a browser session is refused, so no
/// cookie can drive an assistant's tools) and hands the request to the responder, whose tools
/// check the token's role like every operation.
struct MCPController: Sendable {
    let responder: any MCPResponder

    /// The largest JSON-RPC message accepted (a tool call's arguments are small).
    static let maximumBodyBytes = 1_048_576

    func addRoutes(to router: Router<SkeinRequestContext>) {
        for method in [HTTPRequest.Method.post, .get, .delete] {
            router.on("mcp", method: method) { request, context in try await respond(request, context) }
        }
    }

    func respond(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        guard let caller = context.identity, caller.method == .token else {
            throw APIError(.unauthenticated, "the MCP endpoint takes an API token: Authorization: Bearer TOKEN (skein token create)")
        }
        var request = request
        var body: Data?
        if request.method == .post {
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > Self.maximumBodyBytes { throw tooLarge }
            do { body = Data(buffer: try await request.collectBody(upTo: Self.maximumBodyBytes)) } catch { throw tooLarge }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        // HTTP/1's Host arrives as the request's authority; the responder checks Origin against it.
        if let authority = request.head.authority { headers["host"] = authority }
        let answer = await responder.respond(method: request.method.rawValue, headers: headers, body: body, caller: caller)
        var fields = HTTPFields()
        for (name, value) in answer.headers { if let field = HTTPFields.Element.Name(name) { fields[field] = value } }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(data: answer.body)))
    }

    var tooLarge: APIError { APIError(.bodyTooLarge, "an MCP message is at most \(Self.maximumBodyBytes) bytes") }
}
