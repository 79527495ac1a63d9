import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON

/// `skein flow draft|versions|diff|rollback`: the same drafts and versions as the API and the
/// web UI (`FlowDrafting`), recorded in the audit log as the command line's operator.
extension FlowCommand {
    static let cliActor = "skein (cli)"

    static func drafting(_ options: DataOptions) async throws -> FlowDrafting {
        let environment = try options.environment()
        return FlowDrafting(store: environment.store, catalog: try await environment.validationCatalog())
    }

    /// Runs a drafting call, reporting a refusal as one clear line (with every located problem).
    static func call<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as FlowDraftError {
            let problems = error.problems.map { "\n  \($0.path.isEmpty ? "" : $0.path + ": ")\($0.message)" }.joined()
            throw CLIError(error.code == .invalidFlow && !problems.isEmpty ? "the flow has problems:" + problems : error.message)
        }
    }

    static func printDeployed(_ result: (flow: DeployedFlow, isNew: Bool), json: Bool, verb: String) {
        if json {
            print(
                JSON.object([
                    "flow": .string(result.flow.flowID), "version": .number(Double(result.flow.version)),
                    "new_version": .bool(result.isNew),
                ]).serialized())
        } else {
            print(
                result.isNew
                    ? "\(verb) flow '\(result.flow.flowID)' as version \(result.flow.version)"
                    : "flow '\(result.flow.flowID)' is unchanged (version \(result.flow.version))")
        }
    }

    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a flow in a draft before deploying it (deployed versions are never edited).",
            subcommands: [Save.self, Show.self, DeployDraft.self, Discard.self])

        struct Save: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Save a flow file as its flow's draft (kept as written, problems and all; they are listed).")
            @Argument(help: "A flow file (YAML or JSON); its `id` names the flow.") var file: String
            @OptionGroup var options: DataOptions

            func run() async throws {
                let text = try FlowCommand.text(of: file)
                let drafting = try await FlowCommand.drafting(options)
                let working = try await FlowCommand.call { try await drafting.save(nil, text: text, actor: FlowCommand.cliActor) }
                if options.json {
                    print(
                        JSON.object([
                            "flow": .string(working.flowID), "valid": .bool(working.problems.isEmpty),
                            "problems": .array(working.problems.map { ["path": .string($0.path), "message": .string($0.message)] }),
                        ]).serialized())
                    return
                }
                print("saved the draft of flow '\(working.flowID)'" + (working.draft?.baseVersion.map { " (from version \($0))" } ?? " (a new flow)"))
                for problem in working.problems { print("  problem: \(problem)") }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a flow's draft (or, without one, its latest version's text).")
            @Argument var flow: String
            @OptionGroup var options: DataOptions

            func run() async throws {
                let drafting = try await FlowCommand.drafting(options)
                let working = try await FlowCommand.call { try await drafting.working(flow) }
                if let draft = working.draft {
                    printError(
                        "draft of flow '\(flow)', saved by \(draft.updatedBy) at \(draft.updatedAt.formatted(.iso8601))"
                            + (draft.baseVersion.map { " from version \($0)" } ?? ""))
                } else {
                    printError("flow '\(flow)' has no draft; this is version \(working.latestVersion ?? 0)")
                }
                print(working.source, terminator: working.source.hasSuffix("\n") ? "" : "\n")
            }
        }

        struct DeployDraft: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Deploy a flow's draft as its next version.")
            @Argument var flow: String
            @Flag(help: "Deploy even though another version was deployed after the draft was started.") var force = false
            @OptionGroup var options: DataOptions

            func run() async throws {
                let drafting = try await FlowCommand.drafting(options)
                let result = try await FlowCommand.call { try await drafting.deployDraft(flow, actor: FlowCommand.cliActor, force: force) }
                FlowCommand.printDeployed(result, json: options.json, verb: "deployed")
            }
        }

        struct Discard: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Throw a flow's draft away.")
            @Argument var flow: String
            @OptionGroup var options: DataOptions

            func run() async throws {
                let drafting = try await FlowCommand.drafting(options)
                guard try await drafting.discard(flow, actor: FlowCommand.cliActor) else { throw CLIError("flow '\(flow)' has no draft") }
                print("discarded the draft of flow '\(flow)'")
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a flow's deployed versions, newest first.")
        @Argument var flow: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let versions = try await options.environment().store.versions(of: flow)
            guard !versions.isEmpty else { throw CLIError("no flow '\(flow)'") }
            if options.json {
                print(
                    JSON.array(versions.map { ["version": .number(Double($0.version)), "deployed_at": .string($0.deployedAt.formatted(.iso8601))] })
                        .serialized())
                return
            }
            print(
                Table(
                    ["VERSION", "DEPLOYED", "SHAPES"],
                    versions.map {
                        ["\($0.version)", $0.deployedAt.formatted(.iso8601), "\($0.definition.allShapes.count)"]
                    }
                ).render())
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare two versions of a flow shape by shape.")
        @Argument var flow: String
        @Argument(help: "The older version.") var from: Int
        @Argument(help: "The newer version (default: the draft, or the latest version).") var to: Int?
        @OptionGroup var options: DataOptions

        func run() async throws {
            let drafting = try await FlowCommand.drafting(options)
            let diff = try await FlowCommand.call { try await drafting.diff(flow, from: from, to: to) }
            let target = to.map { "version \($0)" } ?? "the draft"
            if diff.isEmpty { print("version \(from) and \(target) of flow '\(flow)' are the same flow"); return }
            for key in diff.keys {
                print("~ \(key.key): \(key.from?.serialized() ?? "(absent)") -> \(key.to?.serialized() ?? "(absent)")")
            }
            for shape in diff.shapes where shape.change != .unchanged {
                switch shape.change {
                case .added: print("+ \(shape.id) at \(shape.to!.path): \(shape.to!.shape.serialized())")
                case .removed: print("- \(shape.id) from \(shape.from!.path): \(shape.from!.shape.serialized())")
                case .moved: print("> \(shape.id) moved from \(shape.from!.path) to \(shape.to!.path)")
                default:
                    print("~ \(shape.id) at \(shape.to!.path)")
                    print("    was \(shape.from!.shape.serialized())")
                    print("    now \(shape.to!.shape.serialized())")
                }
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy an old version of a flow as its next version (rolling back to 1 from 2 makes version 3).")
        @Argument var flow: String
        @Option(name: .customLong("to"), help: "The version to go back to.") var version: Int
        @OptionGroup var options: DataOptions

        func run() async throws {
            let drafting = try await FlowCommand.drafting(options)
            let result = try await FlowCommand.call { try await drafting.rollback(flow, to: version, actor: FlowCommand.cliActor) }
            FlowCommand.printDeployed(result, json: options.json, verb: "rolled back")
            if result.isNew && !options.json { print("version \(result.flow.version) has version \(version)'s text") }
        }
    }
}
