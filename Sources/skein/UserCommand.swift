import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON
import SkeinOperations

/// `skein user`: the people who sign in to the web UI, with their roles.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list and remove web users; set passwords.",
        discussion:
            "Roles: viewer (reads), operator (also replays, retries, resyncs), builder (also deploys flows, edits instances), admin (also users, tokens, audit log).",
        subcommands: [Add.self, List.self, Password.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The password is read from standard input (first line) or asked for on a terminal.")
        @Argument var name: String
        @Option(help: "viewer, operator, builder or admin.") var role: String = "viewer"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let role = try AccessOperations.role(role)
            let users = try options.operations().1.users
            let password = try readPassword(prompt: "Password for \(name): ")
            _ = try await users.createUser(options.caller, username: name, role: role, password: password)
            print("added user '\(name)' (\(role.rawValue))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let users = try await options.operations().1.users.users(options.caller)
            if options.json {
                print(
                    JSON.array(
                        users.map {
                            [
                                "username": .string($0.username), "role": .string($0.role),
                                "created": .string(RunsCommand.iso($0.createdAt)),
                            ]
                        }
                    ).serialized())
                return
            }
            print(Table(["USER", "ROLE", "CREATED (UTC)"], users.map { [$0.username, $0.role, RunsCommand.time($0.createdAt)] }).render())
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (from standard input or a prompt); their sessions end.")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let users = try options.operations().1.users
            let password = try readPassword(prompt: "New password for \(name): ")
            _ = try await users.updateUser(options.caller, username: name, role: nil, password: password)
            print("changed the password of '\(name)'")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user with their sessions and API tokens.")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await options.operations().1.users.deleteUser(options.caller, username: name)
            print("removed user '\(name)'")
        }
    }
}

/// The first line of standard input, or a prompt without echo on a terminal.
func readPassword(prompt: String) throws -> String {
    if isatty(STDIN_FILENO) == 1 {
        guard let pointer = getpass(prompt) else { throw CLIError("no password given") }
        return String(cString: pointer)
    }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CLIError("give the password on standard input (e.g. printf '%s\\n' \"$PASSWORD\" | skein user add ...)")
    }
    return line
}
