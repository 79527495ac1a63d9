import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations

struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance", abstract: "Add, list, test and remove connector instances (credentials are stored encrypted).",
        subcommands: [Add.self, List.self, Test.self, Remove.self, RotateKey.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace an instance.",
            discussion: """
                Credentials are sealed with AES-256-GCM before they reach the database and are never printed.
                Prefer --credential-env NAME=ENVVAR (read from the environment) to --credential NAME=VALUE,
                which shows the secret to anyone who can list processes.
                Example: skein instance add shop --type http --address https://shop.example.com/api \\
                           --setting auth=bearer --credential-env token=SHOP_TOKEN --rate-limit 5/s
                With a connector (skein connector list), its definition supplies the address, authentication,
                limits and endpoints; give its settings and credentials:
                  skein instance add shop --connector shopify --setting shop=acme --credential-env access_token=SHOPIFY_TOKEN
                """)
        @Argument(help: "The instance name flows use.") var name: String
        @Option(name: .customLong("type"), help: "The connector type (database, http, sftp, smtp); http with --connector.") var connectorType: String?
        @Option(help: "A connector definition (skein connector list): shopify, woocommerce, bigcommerce, magento or your own.") var connector: String?
        @Option(help: "Base URL, host[:port], database URL or smtp(s)://host:port; with --connector, overrides the connector's address.") var address: String?
        @Option(name: .customLong("time-zone"), help: "The system's time zone (IANA name).") var timeZone = "UTC"
        @Option(name: .customLong("rate-limit"), help: "At most N requests per second/minute/hour, e.g. 10/s or 600/minute.") var rateLimit: String?
        @Option(help: "Request timeout, e.g. 30s.") var timeout = "30s"
        @Option(name: .customLong("setting"), help: "A connector setting NAME=VALUE (VALUE may be JSON).") var settings: [String] = []
        @Option(name: .customLong("variable"), help: "A {{variable}} NAME=VALUE.") var variables: [String] = []
        @Option(name: .customLong("credential"), help: "A secret NAME=VALUE.") var credentials: [String] = []
        @Option(name: .customLong("credential-env"), help: "A secret NAME=ENVVAR, read from the environment.") var credentialVariables: [String] = []
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            var settingsObject = JSON.Object()
            let settingPairs = try pairs(settings, "--setting")
            for (key, value) in settingPairs { settingsObject[key] = (try? JSON(parsing: value)) ?? .string(value) }
            var secrets = Dictionary(try pairs(credentials, "--credential"), uniquingKeysWith: { _, last in last })
            for (key, variable) in try pairs(credentialVariables, "--credential-env") {
                guard let value = ProcessInfo.processInfo.environment[variable] else {
                    throw CLIError("--credential-env \(key)=\(variable): the environment variable \(variable) is not set")
                }
                secrets[key] = value
            }
            var limit: RateLimit?
            if let rateLimit {
                guard let parsed = RateLimit(rateLimit) else { throw CLIError("--rate-limit '\(rateLimit)': use N/s, N/minute or N/hour") }
                limit = parsed
            }
            guard let timeoutDuration = DurationText.parse(timeout) else { throw CLIError("--timeout '\(timeout)': use e.g. 30s or 2m") }
            var connectorType = self.connectorType
            var address = self.address
            if let connector {
                if let connectorType, connectorType != "http" { throw CLIError("--connector makes an http instance; leave out --type \(connectorType)") }
                do {
                    let made = try environment.connectorInstance(connector, settings: settingPairs, credentials: Set(secrets.keys), address: address)
                    guard case .object(let object) = made.settings else { throw CLIError("connector \(connector): settings are not an object") }
                    settingsObject = object
                    address = made.address
                } catch let problem as ConnectorInstanceProblem {
                    switch problem {
                    case .noSuchConnector(let known):
                        throw CLIError("--connector \(connector): no such connector (known: \(known.joined(separator: ", ")); see skein connector list)")
                    case .problems(let problems):
                        throw CLIError(
                            "instance '\(name)' (connector \(connector)): " + problems.joined(separator: "; ")
                                + " (skein connector show \(connector) lists them)")
                    case .address(let message): throw CLIError(message)
                    }
                }
                connectorType = "http"
            }
            guard let connectorType else { throw CLIError("give --type (http, sftp, database, smtp) or --connector (skein connector list)") }
            guard let address else { throw CLIError("give --address (the connector's address is used only with --connector)") }
            let change = InstanceOperations.Change(
                name: name, type: connectorType, address: address, timeZone: timeZone, rateLimit: limit?.description ?? "",
                timeoutMilliseconds: Int(timeoutDuration.wholeMilliseconds),
                variables: Dictionary(try pairs(variables, "--variable"), uniquingKeysWith: { _, l in l }),
                settings: .object(settingsObject), credentials: secrets)
            do {
                _ = try await environment.operations.instances.save(options.caller, change, sealer: environment.instances)
            } catch let error as OperationError where error.code == .invalidField {
                let field = error.field ?? ""
                throw CLIError(
                    field == "name" || field == "address" || field.isEmpty
                        ? error.message : "--\(field.replacingOccurrences(of: "_", with: "-")): \(error.message)")
            }
            let kind = connector.map { "connector \($0)" } ?? connectorType
            print("saved instance '\(name)' (\(kind), \(address)) with \(secrets.count) credential\(secrets.count == 1 ? "" : "s")")
        }

        func pairs(_ values: [String], _ flag: String) throws -> [(String, String)] {
            try values.map { value in
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw CLIError("\(flag) expects NAME=VALUE")
                }
                return (String(value[..<equals]), String(value[value.index(after: equals)...]))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List instances (credential names only, never values).")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            var rows: [[String]] = []
            var objects: [JSON] = []
            for stored in try await environment.store.storedInstances() {
                let names = (try? environment.cipher.open(stored.sealedCredentials, instance: stored.name).keys.sorted()) ?? ["(cannot decrypt)"]
                let type = stored.settings["connector"]?.stringValue.map { "\(stored.connectorType) (\($0))" } ?? stored.connectorType
                rows.append([stored.name, type, stored.address, stored.rateLimit ?? "-", names.joined(separator: ",")])
                objects.append([
                    "name": .string(stored.name), "type": .string(stored.connectorType),
                    "connector": stored.settings["connector"] ?? .null, "address": .string(stored.address),
                    "rate_limit": stored.rateLimit.map(JSON.string) ?? .null, "credentials": .array(names.map(JSON.string)),
                ])
            }
            print(options.json ? JSON.array(objects).serialized() : Table(["NAME", "TYPE", "ADDRESS", "RATE LIMIT", "CREDENTIALS"], rows).render())
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an instance (refused while a deployed flow uses it).")
        @Argument var name: String
        @OptionGroup var options: DataOptions
        func run() async throws {
            try await options.operations().1.instances.delete(options.caller, name: name)
            print("removed instance '\(name)'")
        }
    }
}
