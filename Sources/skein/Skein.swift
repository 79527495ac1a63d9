import ArgumentParser

/// `skein`: run integration flows, inspect their runs and payloads.
@main
struct Skein: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skein",
        abstract: "Skein moves orders, products, stock and customers between your systems.",
        subcommands: [
            Serve.self, FlowCommand.self, RunCommand.self, RunsCommand.self, PayloadCommand.self, InstanceCommand.self,
            ExprCommand.self, SyncCommand.self, BenchCommand.self, UserCommand.self, TokenCommand.self,
            PoolCommand.self, TrackCommand.self, ConnectorCommand.self, BlueprintCommand.self, AlertGroupCommand.self, LookupCommand.self,
            MCPCommand.self, ConfigCommand.self,
        ]
    )
}
