import ArgumentParser
import Foundation
import SkeinApp
import SkeinMCP
import SkeinOperations

/// `skein mcp`: a Model Context Protocol server on standard input and output, for an assistant
/// on this machine (Claude Desktop, an IDE, an agent) to search runs, read payloads and — as an
/// operator — replay, retry and resync (docs/mcp.md).
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve MCP on stdin/stdout as a user (--user NAME, or an API token in SKEIN_MCP_TOKEN); their role applies.",
        discussion: """
            Started by an MCP client, not by hand: the client writes JSON-RPC to standard input and reads standard output. \
            The tools act as one user: --user NAME (anyone who can open the data directory can name any user), or the \
            API token in the variable --token-env names (default SKEIN_MCP_TOKEN; checked like an API call, revocable). \
            A viewer can read; replay, retry and resync need the operator role and a confirm: true argument. Runs they \
            start are queued for skein serve's workers. See docs/mcp.md.
            """)

    @Option(help: "Act as this user (their current role applies).") var user: String?
    @Option(name: .customLong("token-env"), help: "The environment variable holding an API token to act as, when --user is not given.")
    var tokenEnv = "SKEIN_MCP_TOKEN"
    @OptionGroup var options: DataOptions

    func run() async throws {
        let environment = try options.environment()
        let toolbox = environment.mcpToolbox
        let access = toolbox.operations.access
        let caller = try callerLookup(access)
        _ = try await caller()  // an unknown user or token is refused at start, not at the first call
        // Looked up again at every call: a role changed or a token revoked applies from the next call.
        try await SkeinMCPServer.serveStandardIO(toolbox, callerPerCall: caller)
    }

    /// Who the tools act as: `--user`, else the token in `tokenEnv`.
    func callerLookup(_ access: AccessService) throws -> @Sendable () async throws -> Identity {
        if let user { return { try await access.identity(localUser: user) } }
        guard let token = ProcessInfo.processInfo.environment[tokenEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw CLIError("skein mcp acts as a user: give --user NAME, or an API token in \(tokenEnv) (skein token create)")
        }
        let variable = tokenEnv
        return {
            guard let identity = try await access.identity(bearerToken: token) else {
                throw OperationError(.unauthenticated, "the API token in \(variable) is not valid (unknown or revoked)")
            }
            return identity
        }
    }
}
