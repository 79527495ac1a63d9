import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

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
            let role = try self.role.map { text throws(OperationError) in try AccessOperations.role(text) }
            let created = try await options.operations().1.users.createToken(options.caller, name: name, username: user, role: role)
            if options.json {
                print(
                    JSON.object([
                        "id": .number(Double(created.record.id)), "name": .string(name), "user": .string(user),
                        "role": .string(created.record.role), "token": .string(created.token),
                    ]).serialized())
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
            let tokens = try await options.operations().1.users.tokens(options.caller)
            if options.json {
                print(
                    JSON.array(
                        tokens.map {
                            [
                                "id": .number(Double($0.id)), "name": .string($0.name), "user": .string($0.username),
                                "role": .string($0.role), "created": .string(RunsCommand.iso($0.createdAt)),
                                "last_used": $0.lastUsedAt.map { .string(RunsCommand.iso($0)) } ?? .null,
                            ]
                        }
                    ).serialized())
                return
            }
            print(
                Table(
                    ["ID", "NAME", "USER", "ROLE", "CREATED (UTC)", "LAST USED (UTC)"],
                    tokens.map {
                        [String($0.id), $0.name, $0.username, $0.role, RunsCommand.time($0.createdAt), $0.lastUsedAt.map(RunsCommand.time) ?? "-"]
                    }
                ).render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it stops working at once.")
        @Argument var id: Int64
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await options.operations().1.users.revokeToken(options.caller, id: id)
            print("revoked token \(id)")
        }
    }
}
