import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON

/// `skein config show`: the effective configuration, each value with where it came from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the configuration Skein runs with (docs/configuration.md).",
        subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting's effective value and its source: flag, environment variable, config file line or default.",
            discussion: """
                Takes serve's flags too, to show what `skein serve` with them would run with. Secrets are masked \
                (the database URL's password, credential keys, the metrics token). A bad value is an error naming \
                the setting and where it came from; every problem is reported at once. OTEL_* variables that are set \
                are listed as well (read by the OpenTelemetry exporter; header values masked).
                """)
        @OptionGroup var options: DataOptions
        @OptionGroup var serveOptions: ServeOptions

        func run() async throws {
            let configuration = try options.configuration(extraFlags: serveOptions.flags)
            let entries = configuration.entries + Self.telemetryEntries(ProcessInfo.processInfo.environment)
            if options.json {
                print(JSON.array(entries.map(Self.json)).serialized(.pretty))
            } else {
                print(Table(["SETTING", "VALUE", "SOURCE"], entries.map { [$0.key, $0.value ?? "(not set)", "\($0.source)"] }).render())
            }
        }

        static func json(_ entry: ConfigurationEntry) -> JSON {
            var object: JSON.Object = ["key": .string(entry.key), "value": entry.value.map(JSON.string) ?? .null, "secret": .bool(entry.secret)]
            switch entry.source {
            case .flag(let flag): object["source"] = "flag"; object["flag"] = .string(flag)
            case .environment(let variable): object["source"] = "environment"; object["variable"] = .string(variable)
            case .file(let path, let line): object["source"] = "file"; object["file"] = .string(path); object["line"] = .number(Double(line))
            case .defaultValue: object["source"] = "default"
            }
            return .object(object)
        }

        /// The OpenTelemetry variables that are set: swift-otel reads them itself, as the
        /// standard says; listed so the whole configuration shows in one place. Headers may
        /// carry credentials, so their values are masked.
        static func telemetryEntries(_ environment: [String: String]) -> [ConfigurationEntry] {
            environment.keys.filter { $0.hasPrefix("OTEL_") }.sorted().map { name in
                let secret = name.contains("HEADERS")
                return ConfigurationEntry(key: name, value: secret ? "***" : environment[name], source: .environment(name), secret: secret)
            }
        }
    }
}
