import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

struct BlueprintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blueprint",
        abstract: "List, show and install blueprints: instances, lookups and flows for a pair of systems (docs/blueprints.md).",
        subcommands: [List.self, Show.self, Install.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List blueprints (shipped and yours in DATA_DIR/blueprints), and files that could not be read.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let (environment, operations) = try options.operations()
            let blueprints = try operations.blueprints.list(options.caller)
            if options.json {
                print(JSON.array(blueprints.map(BlueprintJSON.summary)).serialized())
            } else {
                print(
                    Table(
                        ["BLUEPRINT", "TITLE", "SYSTEMS", "CREATES", "SOURCE"],
                        blueprints.map {
                            [
                                $0.name, $0.title, $0.systems.joined(separator: " → "),
                                counted($0.instances.count, "instance") + ", " + counted($0.lookups.count, "lookup") + ", " + counted($0.flows.count, "flow"),
                                $0.source,
                            ]
                        }
                    ).render())
            }
            for error in environment.blueprints.errors { printError("not loaded: \(error)") }
            if !environment.blueprints.errors.isEmpty { throw ExitCode.failure }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a blueprint creates and the settings and credentials it needs.")
        @Argument(help: "The blueprint name (skein blueprint list).") var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let (_, operations) = try options.operations()
            let blueprint = try operations.blueprints.blueprint(options.caller, name)
            if options.json {
                print(BlueprintJSON.detail(blueprint).serialized(.pretty))
                return
            }
            var lines = ["\(blueprint.title) (\(blueprint.name))", "  \(blueprint.systems.joined(separator: " → "))", "  from \(blueprint.source)", ""]
            if !blueprint.description.isEmpty { lines += [wrapWords(blueprint.description, indent: "  "), ""] }
            lines.append("Settings (--setting NAME=VALUE):")
            for setting in blueprint.settings {
                lines.append("  \(setting.name) (\(setting.required ? "required" : "default \(setting.defaultValue ?? "")")): \(setting.help)")
            }
            if blueprint.settings.isEmpty { lines.append("  none") }
            lines.append("Credentials (--credential-env NAME=VARIABLE, all required):")
            for credential in blueprint.credentials { lines.append("  \(credential.name): \(credential.help)") }
            if blueprint.credentials.isEmpty { lines.append("  none") }
            lines += ["", "Creates:"]
            for instance in blueprint.instances {
                let kind = instance.connector.map { "connector \($0)" } ?? instance.type
                let address = instance.address.map { ", address \($0)" } ?? ""
                lines.append("  instance \(instance.name) (\(kind)\(address))\(instance.help.isEmpty ? "" : ": \(instance.help)")")
            }
            for lookup in blueprint.lookups {
                let fallback = lookup.defaultValue.map { "default \($0)" } ?? "no default"
                lines.append("  lookup \(lookup.name) (\(lookup.rows.count) rows, \(fallback))\(lookup.help.isEmpty ? "" : ": \(lookup.help)")")
            }
            for flow in blueprint.flows { lines.append("  flow \(flow.id)\(flow.name.map { " (\($0))" } ?? "") from \(flow.file)") }
            lines += [
                "",
                "Install: skein blueprint install \(blueprint.name)"
                    + blueprint.settings.filter(\.required).map { " --setting \($0.name)=…" }.joined()
                    + blueprint.credentials.map { " --credential-env \($0.name)=VARIABLE" }.joined(),
            ]
            print(lines.joined(separator: "\n"))
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a blueprint: create its instances (credentials encrypted) and lookups, deploy its flows.",
            discussion: """
                Everything is checked first; nothing is changed when a setting or credential is missing or unknown, when an
                instance, lookup or flow of the same name exists (unless --replace), or when an instance or flow has problems.
                Example: skein blueprint install shopify-to-wms --setting shop=acme --setting wms_address=https://wms.example.com \\
                           --credential-env shopify_token=SHOPIFY_TOKEN --credential-env wms_api_key=WMS_API_KEY
                """)
        @Argument(help: "The blueprint name (skein blueprint list).") var name: String
        @Option(name: .customLong("setting"), help: "A blueprint setting NAME=VALUE (skein blueprint show NAME lists them).") var settings: [String] = []
        @Option(name: .customLong("credential-env"), help: "A blueprint credential NAME=ENVVAR, read from the environment.") var credentialVariables: [String] =
            []
        @Option(name: .customLong("address"), help: "INSTANCE=URL: another address for one of the blueprint's instances (a staging system, a test fake).")
        var addresses: [String] = []
        @Flag(help: "Replace instances, lookups and flows that already exist under the blueprint's names.") var replace = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let (environment, operations) = try options.operations()
            var credentials: [String: String] = [:]
            for (key, variable) in try pairs(credentialVariables, "--credential-env") {
                guard let value = ProcessInfo.processInfo.environment[variable] else {
                    throw CLIError("--credential-env \(key)=\(variable): the environment variable \(variable) is not set")
                }
                credentials[key] = value
            }
            let request = BlueprintInstallRequest(
                settings: Dictionary(try pairs(settings, "--setting"), uniquingKeysWith: { _, last in last }), credentials: credentials,
                addresses: Dictionary(try pairs(addresses, "--address"), uniquingKeysWith: { _, last in last }), replace: replace)
            let report = try await operations.blueprints.install(options.caller, name, request, into: environment.blueprintTarget)
            if options.json {
                print(
                    JSON.object([
                        "blueprint": .string(report.blueprint), "instances": .array(report.instances.map(JSON.string)),
                        "lookups": .array(report.lookups.map(JSON.string)),
                        "flows": .array(report.flows.map { ["id": .string($0.id), "version": .number(Double($0.version))] }),
                        "replaced": .array(report.replaced.map(JSON.string)),
                    ]).serialized())
                return
            }
            print("installed blueprint \(report.blueprint):")
            for instance in report.instances { print("  instance \(instance)") }
            for lookup in report.lookups { print("  lookup \(lookup)") }
            for flow in report.flows { print("  flow \(flow.id) version \(flow.version)\(flow.isNew ? "" : " (unchanged)")") }
            if !report.replaced.isEmpty { print("replaced: \(report.replaced.joined(separator: ", "))") }
            print("Next: skein instance test \(report.instances.joined(separator: " / ")); skein run \(report.flows.first?.id ?? "FLOW")")
        }

        func pairs(_ values: [String], _ flag: String) throws -> [(String, String)] {
            try values.map { value in
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else { throw CLIError("\(flag) expects NAME=VALUE") }
                return (String(value[..<equals]), String(value[value.index(after: equals)...]))
            }
        }
    }
}

/// `1 flow`, `2 flows`.
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
