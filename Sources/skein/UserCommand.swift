import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON
import SkeinWeb

/// `skein user`: the people who sign in to the web UI, with their roles.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list and remove web users; set passwords.",
        discussion: "Roles: viewer (reads), operator (also replays, retries, resyncs), builder (also deploys flows, edits instances), admin (also users, tokens, audit log).",
        subcommands: [Add.self, List.self, Password.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The password is read from standard input (first line) or asked for on a terminal.")
        @Argument var name: String
        @Option(help: "viewer, operator, builder or admin.") var role: String = "viewer"
        @OptionGroup var options: DataOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw CLIError("--role must be viewer, operator, builder or admin, not '\(self.role)'") }
            let environment = try options.environment()
            let password = try readPassword(prompt: "Password for \(name): ")
            do {
                _ = try await environment.access.createUser(username: name, role: role, password: password)
            } catch let error as AccessError { throw CLIError("\(error)") } catch { throw CLIError("\(error)") }
            try await environment.access.audit(actor: "skein (cli)", action: "user.create", target: "user:\(name)", details: ["role": .string(role.rawValue)])
            print("added user '\(name)' (\(role.rawValue))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let users = try await options.environment().store.users()
            if options.json {
                print(JSON.array(users.map { ["username": .string($0.username), "role": .string($0.role),
                                              "created": .string(RunsCommand.iso($0.createdAt))] }).serialized())
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
            let environment = try options.environment()
            let password = try readPassword(prompt: "New password for \(name): ")
            let changed: Bool
            do { changed = try await environment.access.setPassword(username: name, password: password) } catch { throw CLIError("\(error)") }
            guard changed else { throw CLIError("no user named '\(name)'") }
            try await environment.access.audit(actor: "skein (cli)", action: "user.password", target: "user:\(name)")
            print("changed the password of '\(name)'")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user with their sessions and API tokens.")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            guard try await environment.store.deleteUser(named: name) else { throw CLIError("no user named '\(name)'") }
            try await environment.access.audit(actor: "skein (cli)", action: "user.delete", target: "user:\(name)")
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
