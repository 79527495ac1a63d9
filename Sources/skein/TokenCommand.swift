import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON
import SkeinCore
import SkeinStorage
import SkeinWeb

/// `skein token`: API tokens for scripts (`Authorization: Bearer TOKEN`).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens (stored hashed; shown once).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for a user and print it once. Its role is --role, at most the user's.")
        @Argument(help: "A name saying what the token is for.") var name: String
        @Option(help: "The user the token acts as.") var user: String
        @Option(help: "viewer, operator, builder or admin (default: the user's role).") var role: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            let role = try self.role.map { text -> Role in
                guard let role = Role(rawValue: text) else { throw CLIError("--role must be viewer, operator, builder or admin") }
                return role
            }
            let environment = try options.environment()
            let created: (token: String, record: APITokenRecord)
            do { created = try await environment.access.createToken(name: name, username: user, role: role) } catch { throw CLIError("\(error)") }
            try await environment.access.audit(actor: "skein (cli)", action: "token.create", target: "token:\(created.record.id)",
                                               details: ["name": .string(name), "user": .string(user), "role": .string(created.record.role)])
            if options.json {
                print(JSON.object(["id": .number(Double(created.record.id)), "name": .string(name), "user": .string(user),
                                   "role": .string(created.record.role), "token": .string(created.token)]).serialized())
                return
            }
            printError("token \(created.record.id) '\(name)' for \(user) (\(created.record.role)); it is shown only now:")
            print(created.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let tokens = try await options.environment().store.tokens()
            if options.json {
                print(JSON.array(tokens.map { ["id": .number(Double($0.id)), "name": .string($0.name), "user": .string($0.username),
                                               "role": .string($0.role), "created": .string(RunsCommand.iso($0.createdAt)),
                                               "last_used": $0.lastUsedAt.map { .string(RunsCommand.iso($0)) } ?? .null] }).serialized())
                return
            }
            print(Table(["ID", "NAME", "USER", "ROLE", "CREATED (UTC)", "LAST USED (UTC)"], tokens.map {
                [String($0.id), $0.name, $0.username, $0.role, RunsCommand.time($0.createdAt), $0.lastUsedAt.map(RunsCommand.time) ?? "-"]
            }).render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it stops working at once.")
        @Argument var id: Int64
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            guard try await environment.store.revokeToken(id: id) else { throw CLIError("no token \(id)") }
            try await environment.access.audit(actor: "skein (cli)", action: "token.revoke", target: "token:\(id)")
            print("revoked token \(id)")
        }
    }
}
