import Foundation
public import SkeinMCP
import SkeinOperations
import SkeinWeb

extension SkeinEnvironment {
    /// The MCP tools over this environment's operations; runs they start are queued for the workers.
    public var mcpToolbox: MCPToolbox { MCPToolbox(operations: operations) }
}

/// `/mcp` of the web server, answered by SkeinMCP's streamable HTTP endpoint.
struct MCPWebResponder: MCPResponder {
    let endpoint: MCPHTTPEndpoint

    func respond(method: String, headers: [String: String], body: Data?, caller: Identity) async -> (status: Int, headers: [String: String], body: Data) {
        let answer = await endpoint.respond(method: method, headers: headers, body: body, caller: caller)
        return (answer.status, answer.headers, answer.body)
    }
}
