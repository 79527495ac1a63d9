import ArgumentParser
import Foundation
import Logging
import SkeinApp
import SkeinOperations

/// Options every command that touches the data directory shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where Skein keeps its database and credential key (env SKEIN_DATA_DIR).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database"),
        help: "postgres://user:password@host:port/database, or a SQLite file (env SKEIN_DATABASE; default DATA_DIR/skein.sqlite).")
    var database: String?

    @Option(name: .customLong("config"), help: "A YAML configuration file (env SKEIN_CONFIG); flags and environment variables win over it.")
    var configPath: String?

    @Flag(name: .customLong("json"), help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// Every setting, read once: these flags and `extraFlags` (a command's own, by setting key),
    /// then the environment, then the configuration file (`--config` or `SKEIN_CONFIG`), then the
    /// defaults; every bad value reported together.
    func configuration(extraFlags: [String: String] = [:]) throws -> SkeinConfiguration {
        var flags = extraFlags
        flags["data_dir"] = dataDirectory
        flags["database"] = database
        do {
            return try SkeinConfiguration.load(flags: flags, configPath: configPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The store and everything on it, for the configuration this command line gives.
    /// `logLevel` is this command's (serve's comes from its configuration).
    func environment(logLevel: Logger.Level = .warning) throws -> SkeinEnvironment {
        try environment(configuration: configuration(), logLevel: logLevel)
    }

    /// The store and everything on it for `configuration`, logging in its format.
    func environment(configuration: SkeinConfiguration, logLevel: Logger.Level) throws -> SkeinEnvironment {
        // Everything skein creates — the database and its WAL, key files, temporary files — is
        // its owner's alone (files 0600, directories 0700), whatever the shell's umask.
        umask(0o077)
        configuration.logFormat.bootstrap()
        var logger = Logger(label: "skein")
        logger.logLevel = logLevel
        do {
            return try SkeinEnvironment(configuration: configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
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
