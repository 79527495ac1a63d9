import ArgumentParser
import Foundation
import SkeinApp
import SkeinConnectorsHTTP
import SkeinJSON

struct ConnectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector", abstract: "List and show the connectors Skein knows (shipped ones and yours in DATA_DIR/connectors).",
        subcommands: [List.self, Show.self, Reference.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connectors, and definition files that could not be read.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let catalog = try options.environment().connectors
            let definitions = catalog.names.compactMap(catalog.definition)
            if options.json {
                print(
                    JSON.array(
                        definitions.map { definition in
                            [
                                "name": .string(definition.name), "title": .string(definition.title), "source": .string(definition.source),
                                "documentation_version": .string(definition.documentation.version),
                                "endpoints": .array(definition.endpoints.map { .string($0.name) }),
                            ]
                        }
                    ).serialized())
            } else {
                print(
                    Table(
                        ["CONNECTOR", "TITLE", "ENDPOINTS", "SOURCE"],
                        definitions.map {
                            [$0.name, $0.title, "\($0.endpoints.count)", $0.source]
                        }
                    ).render())
            }
            for error in catalog.errors { printError("not loaded: \(error)") }
            if !catalog.errors.isEmpty { throw ExitCode.failure }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a connector: its settings, credentials and endpoints with their parameters.",
            discussion: "With --definition, print the definition file itself, to copy into DATA_DIR/connectors/ and adapt.")
        @Argument(help: "The connector name (skein connector list).") var name: String
        @Flag(help: "Print the definition as written (YAML).") var definition = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let catalog = try options.environment().connectors
            guard let connector = catalog.definition(name) else {
                throw CLIError("no connector named '\(name)' (known: \(catalog.names.joined(separator: ", ")))")
            }
            if definition {
                print(connector.text, terminator: connector.text.hasSuffix("\n") ? "" : "\n")
                return
            }
            var lines = [
                "\(connector.title) (\(connector.name))", "  from \(connector.source)",
                "  written from \(connector.documentation.url), version \(connector.documentation.version)",
                "  address \(connector.addressTemplate)", "",
            ]
            if !connector.help.isEmpty { lines += [wrapWords(connector.help, indent: "  "), ""] }
            lines.append("Settings (--setting NAME=VALUE):")
            for setting in connector.settings {
                let facts = setting.required ? "required" : setting.defaultValue.map { "default \($0)" } ?? "optional"
                lines.append("  \(setting.name) (\(facts)): \(setting.help)")
            }
            if connector.settings.isEmpty { lines.append("  none") }
            lines.append("Credentials (--credential-env NAME=VARIABLE):")
            for credential in connector.credentials { lines.append("  \(credential.name): \(credential.help)") }
            lines.append("")
            lines.append("Endpoints (http: { instance: …, endpoint: NAME, params: { … } }):")
            for endpoint in connector.endpoints.sorted(by: { $0.name < $1.name }) {
                lines.append("  \(endpoint.name) (\(endpoint.direction)): \(endpoint.requestSummary)")
                lines.append(wrapWords(endpoint.help, indent: "      "))
                for (summary, help) in endpoint.parameterSummaries { lines.append("      params.\(summary): \(help)") }
                if let pagination = endpoint.pagination { lines.append("      pages: \(pagination); items at \(endpoint.items)") }
                let identity = [endpoint.identity.reference.map { "reference \($0)" }, endpoint.identity.id.map { "id \($0)" }].compactMap { $0 }
                if !identity.isEmpty { lines.append("      identifies items by " + identity.joined(separator: ", ")) }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Reference: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the shipped connectors' reference in Markdown (the generated part of docs/connectors.md).")

        func run() async throws {
            print(ConnectorReference.markdown(.builtIn))
        }
    }
}
