public import SkeinJSON
import SkeinOperations

/// One tool the MCP server offers an assistant: its name, what it does (read by the model), its
/// arguments as JSON Schema, and the operation it runs.
///
/// A tool reduces its arguments to `Inputs` and calls one `SkeinOperations` operation with the
/// caller's `Identity`; it parses no filter, date or id itself, so it accepts and refuses what
/// `skein runs list`, the REST API and the web UI accept and refuse, with the same messages.
public struct MCPTool: Sendable {
    public var name: String
    /// A short human title (MCP's `title` annotation).
    public var title: String
    /// What it does and when to use it, written for the model choosing a tool.
    public var description: String
    /// The arguments as a JSON Schema object (`type: object`, `properties`, `required`).
    public var inputSchema: JSON
    /// Whether it only reads (MCP's `readOnlyHint`). The others change something, ask for an
    /// explicit `confirm: true`, and answer a preview without it.
    public var readOnly: Bool
    /// Runs the tool: the arguments as `Inputs` (known names only), the caller, and the answer as JSON.
    let run: @Sendable (_ arguments: Inputs, _ caller: Identity?) async throws -> JSON

    /// The argument names the schema declares; any other name is refused (a misspelt filter
    /// would otherwise be ignored and match everything).
    public var argumentNames: [String] {
        inputSchema["properties"]?.objectValue.map { Array($0.keys) } ?? []
    }
}
