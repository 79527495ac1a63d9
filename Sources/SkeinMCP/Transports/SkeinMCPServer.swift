public import MCP
import SkeinJSON
public import SkeinOperations

/// The MCP SDK's `Server` with Skein's tools, for one caller: `tools/list` lists the toolbox,
/// `tools/call` runs a tool as that caller. A tool's failure is a tool result with `isError`
/// and the operation's message as its text; an unknown tool is a protocol error (invalid params).
public enum SkeinMCPServer {
    public static let name = "skein"
    /// Reported in `initialize` (serverInfo.version).
    public static let version = "1"

    /// What the server tells the client's model about itself (`instructions`).
    static let instructions = """
        Skein runs integration flows (orders, products, stock between a shop, an ERP, a warehouse) and keeps every run, \
        step and payload. To investigate: summarize_failures for a period, search_runs to find runs, show_run for a run's \
        steps and errors, read_payload for what a step received or produced, search_sync for what reached each system. \
        replay_run, retry_run and resync change things: call them without confirm first to see what would happen.
        """

    /// A server whose tools act as `caller` (nil: every tool is refused as unauthenticated).
    public static func make(_ toolbox: MCPToolbox, caller: Identity?) async -> Server {
        await make(toolbox, callerPerCall: { caller })
    }

    /// A server that asks `callerPerCall` who is calling at every tool call, so a role changed or
    /// a token revoked while a client stays connected applies from the next call. An
    /// `OperationError` it throws is that call's tool error.
    public static func make(_ toolbox: MCPToolbox, callerPerCall: @escaping @Sendable () async throws -> Identity?) async -> Server {
        let server = Server(
            name: name, version: version, title: "Skein", instructions: instructions,
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = toolbox.tools.map(describe)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        await server.withMethodHandler(CallTool.self) { parameters in
            let arguments = (parameters.arguments ?? [:]).mapValues(ValueJSON.json)
            let object = JSON.Object(uniqueKeysWithValues: arguments.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            let caller: Identity?
            do { caller = try await callerPerCall() } catch {
                return result(MCPToolbox.failure(error as? OperationError ?? OperationError(.unavailable, "\(error)")))
            }
            guard let answer = await toolbox.call(parameters.name, arguments: object, caller: caller) else {
                throw MCPError.invalidParams("no tool '\(parameters.name)'; the tools are \(toolbox.tools.map(\.name).joined(separator: ", "))")
            }
            return result(answer)
        }
        return server
    }

    /// A toolbox answer as MCP's tool result: the text, the JSON as structured content, `isError`.
    static func result(_ answer: MCPToolbox.Answer) -> CallTool.Result {
        let structured: Value? = ValueJSON.value(answer.json)
        return CallTool.Result(
            content: [.text(text: answer.text, annotations: nil, _meta: nil)], structuredContent: structured,
            isError: answer.isError)
    }

    /// A toolbox tool as MCP lists it.
    static func describe(_ tool: MCPTool) -> Tool {
        Tool(
            name: tool.name, title: tool.title, description: tool.description, inputSchema: ValueJSON.value(tool.inputSchema),
            annotations: .init(
                title: tool.title, readOnlyHint: tool.readOnly, destructiveHint: tool.readOnly ? nil : false,
                idempotentHint: tool.readOnly ? nil : false, openWorldHint: tool.readOnly ? false : true))
    }

    /// Serves MCP on standard input and output (`skein mcp`) until the client closes standard input,
    /// asking `callerPerCall` who the caller is at each tool call. Nothing else may write to
    /// standard output meanwhile; logs go to standard error.
    public static func serveStandardIO(_ toolbox: MCPToolbox, callerPerCall: @escaping @Sendable () async throws -> Identity?) async throws {
        let server = await make(toolbox, callerPerCall: callerPerCall)
        try await server.start(transport: DrainingTransport(StdioTransport()))
        await server.waitUntilCompleted()
        await server.stop()
    }
}
