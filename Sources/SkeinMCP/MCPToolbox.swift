public import SkeinJSON
public import SkeinOperations

/// The tools of Skein's MCP server, over the operations every front end shares. Transports
/// (stdio for `skein mcp`, streamable HTTP for `/mcp`) only carry calls to `call` and answers back.
///
/// Read tools: `list_flows`, `search_runs`, `show_run`, `read_payload`, `summarize_failures`,
/// `search_sync`. Operator tools, each a preview until called with `confirm: true`:
/// `replay_run`, `retry_run`, `resync`. Every tool runs as the caller it is given, so the
/// caller's role applies exactly as in the API (a viewer's replay is refused).
public struct MCPToolbox: Sendable {
    public let operations: Operations
    /// Starts the runs replays and retries plan: queued for `skein serve`'s workers, as the API does.
    public let launcher: any RunLauncher

    public init(operations: Operations, launcher: (any RunLauncher)? = nil) {
        self.operations = operations
        self.launcher = launcher ?? operations.queue
    }

    /// Every tool, read tools first.
    public var tools: [MCPTool] { readTools + changeTools }

    public func tool(named name: String) -> MCPTool? { tools.first { $0.name == name } }

    /// What a call answered: its JSON, or the operation's error (an MCP tool error, `isError`).
    public struct Answer: Sendable, Equatable {
        /// The answer, or `{"error": {"code", "message", "field"}}`.
        public var json: JSON
        public var isError: Bool
        /// What the tool's text content says: the JSON pretty-printed, or for an error exactly the
        /// `OperationError` message (the words the CLI prints and the API answers).
        public var text: String
    }

    /// Runs tool `name` with `arguments` as `caller`. Nil when there is no such tool (a protocol
    /// error, not a tool error); every failure of the tool itself is an `Answer` with `isError`.
    public func call(_ name: String, arguments: JSON.Object, caller: Identity?) async -> Answer? {
        guard let tool = tool(named: name) else { return nil }
        do {
            let known = tool.argumentNames
            if let unknown = arguments.keys.first(where: { !known.contains($0) }) {
                throw OperationError.invalid(
                    unknown,
                    "\(name) has no argument '\(unknown)'; it takes "
                        + (known.isEmpty ? "none" : known.joined(separator: ", ")))
            }
            let json = try await tool.run(try Inputs(json: arguments), caller)
            return Answer(json: json, isError: false, text: json.serialized(.pretty))
        } catch let error as OperationError {
            return Self.failure(error)
        } catch {
            // Store and engine failures have no code of their own; their text names what failed and never a secret.
            return Self.failure(OperationError(.unavailable, "\(error)"))
        }
    }

    static func failure(_ error: OperationError) -> Answer {
        var object: JSON.Object = ["code": .string(error.code.rawValue), "message": .string(error.message)]
        if let field = error.field { object["field"] = .string(field) }
        return Answer(json: ["error": .object(object)], isError: true, text: error.message)
    }
}
