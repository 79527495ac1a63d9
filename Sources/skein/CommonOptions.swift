import ArgumentParser
import Foundation
import Logging
import SkeinApp
import SkeinOperations

/// Options every command that touches the data directory shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where Skein keeps its database and credential key (env SKEIN_DATA_DIR).")
    var dataDirectory: String?

    @Option(name: .customLong("database"),
            help: "postgres://user:password@host:port/database, or a SQLite file (env SKEIN_DATABASE; default DATA_DIR/skein.sqlite).")
    var database: String?

    @Option(name: .customLong("config"), help: "A YAML configuration file (env SKEIN_CONFIG); flags and environment variables win over it.")
    var configPath: String?

    @Flag(name: .customLong("json"), help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// The configuration file, when one is given.
    func configFile() throws -> SkeinConfigFile {
        do {
            return try SkeinConfigFile.read(configPath ?? ProcessInfo.processInfo.environment["SKEIN_CONFIG"].flatMap { $0.isEmpty ? nil : $0 })
        } catch {
            throw CLIError("\(error)")
        }
    }

    var resolvedDirectory: URL {
        let path = (try? configFile())?.value("data_dir", flag: dataDirectory) ?? dataDirectory ?? "skein-data"
        return URL(fileURLWithPath: path)
    }

    /// Points every logger of the process at the log format (`logFormat` is the `--log-format`
    /// flag, else `SKEIN_LOG_FORMAT` or the file's `log_format`; default text). Only the first call counts.
    func bootstrapLogFormat(_ logFormat: String?) throws {
        let formatText = (try? configFile())?.value("log_format", flag: logFormat) ?? "text"
        guard let format = LogFormat(rawValue: formatText) else {
            throw CLIError("log format '\(formatText)' is not text or json")
        }
        format.bootstrap()
    }

    /// The store and everything on it. `logFormat` is the `--log-format` flag of commands that
    /// have one; otherwise `SKEIN_LOG_FORMAT` or the file's `log_format` decide (default text).
    func environment(logLevel: Logger.Level = .warning, logFormat: String? = nil) throws -> SkeinEnvironment {
        // Everything skein creates — the database and its WAL, key files, temporary files — is
        // its owner's alone (files 0600, directories 0700), whatever the shell's umask.
        umask(0o077)
        try bootstrapLogFormat(logFormat)
        var logger = Logger(label: "skein")
        logger.logLevel = logLevel
        do {
            let file = try configFile()
            return try SkeinEnvironment(dataDirectory: resolvedDirectory, database: file.value("database", flag: database),
                                        scriptSandbox: file.value("script_sandbox", flag: nil), logger: logger)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

extension DataOptions {
    /// The operations every front end shares, over this data directory, and the caller the
    /// command line is: the local operator (whoever can open the data directory).
    func operations(logLevel: Logger.Level = .warning) throws -> (SkeinEnvironment, Operations) {
        let environment = try environment(logLevel: logLevel)
        return (environment, environment.operations)
    }

    var caller: Identity { .localOperator }
}

/// A failure the CLI reports as one clear line on stderr, exiting with status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

extension CLIError: LocalizedError {
    var errorDescription: String? { message }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
