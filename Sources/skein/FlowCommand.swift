import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON

struct FlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Validate, deploy and list flows; drafts, versions, diffs and rollbacks; print their schema.",
        subcommands: [
            Validate.self, Deploy.self, List.self, Enable.self, Disable.self, Draft.self, Versions.self, Diff.self, Rollback.self,
            Schema.self, NextRuns.self, Preview.self,
        ])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check flow files and report every problem with its path.")
        @Argument(help: "Flow files (YAML or JSON).") var files: [String]
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            var failed = false
            for file in files {
                do {
                    let flow = try FlowCommand.read(file, catalog: try await environment.validationCatalog())
                    print("\(file): ok (flow '\(flow.id)', \(flow.shapes.count) shapes, trigger \(flow.trigger.kind))")
                } catch {
                    failed = true
                    printError("\(error)")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a flow file and store it as the flow's next version.")
        @Argument(help: "A flow file (YAML or JSON).") var file: String
        @Flag(help: "Deploy disabled: its schedule and webhook stay off until enabled.") var disabled = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            let text = try FlowCommand.text(of: file)
            let flow: FlowDefinition
            do { flow = try FlowFile.decode(text, source: file, catalog: try await environment.validationCatalog()) } catch { throw CLIError("\(error)") }
            let (deployed, isNew) = try await environment.store.deploy(flow, source: text, now: Date())
            if disabled { try await environment.store.setEnabled(flowID: flow.id, enabled: false) }
            if isNew {
                try await environment.store.appendAudit(
                    actor: FlowCommand.cliActor, action: "flow.deploy", target: "flow:\(deployed.flowID)",
                    details: ["version": .number(Double(deployed.version))], now: Date())
            }
            if options.json {
                print(JSON.object(["flow": .string(deployed.flowID), "version": .number(Double(deployed.version)), "new_version": .bool(isNew)]).serialized())
            } else {
                print(
                    isNew
                        ? "deployed flow '\(deployed.flowID)' as version \(deployed.version)"
                        : "flow '\(deployed.flowID)' is unchanged (version \(deployed.version))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deployed flows.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let flows = try await options.environment().store.flows()
            if options.json {
                print(
                    JSON.array(
                        flows.map { flow in
                            [
                                "id": .string(flow.flowID), "name": .string(flow.definition.name), "version": .number(Double(flow.version)),
                                "enabled": .bool(flow.enabled), "trigger": .string(flow.definition.trigger.kind),
                            ]
                        }
                    ).serialized())
                return
            }
            print(
                Table(
                    ["FLOW", "VERSION", "ENABLED", "TRIGGER", "NAME"],
                    flows.map { [$0.flowID, "\($0.version)", $0.enabled ? "yes" : "no", $0.definition.trigger.kind, $0.definition.name] }
                ).render())
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a flow's schedule and webhook on.")
        @Argument var flow: String
        @OptionGroup var options: DataOptions
        func run() async throws {
            do { try await options.environment().store.setEnabled(flowID: flow, enabled: true) } catch { throw CLIError("\(error)") }
            print("flow '\(flow)' enabled")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a flow's schedule and webhook off (manual runs still work).")
        @Argument var flow: String
        @OptionGroup var options: DataOptions
        func run() async throws {
            do { try await options.environment().store.setEnabled(flowID: flow, enabled: false) } catch { throw CLIError("\(error)") }
            print("flow '\(flow)' disabled")
        }
    }

    /// The file's text: at most `FlowFile.maximumBytes`, UTF-8.
    static func text(of file: String) throws -> String {
        if let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue, size > FlowFile.maximumBytes {
            throw CLIError("\(file): the flow file is \(size) bytes; flow files are at most \(FlowFile.maximumBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file): the file is not UTF-8 text") }
        return text
    }

    static func read(_ file: String, catalog: ShapeCatalog) throws -> FlowDefinition {
        try FlowFile.decode(try text(of: file), source: file, catalog: catalog)
    }
}
