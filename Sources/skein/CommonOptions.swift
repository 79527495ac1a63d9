import ArgumentParser
import Foundation
import Logging
import SkeinApp

/// Options every command that touches the data directory shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where Skein keeps its database and credential key (env SKEIN_DATA_DIR).")
    var dataDirectory: String?

    @Flag(name: .customLong("json"), help: "Print JSON for scripts instead of text for people.")
    var json = false

    var resolvedDirectory: URL {
        let path = dataDirectory ?? ProcessInfo.processInfo.environment["SKEIN_DATA_DIR"] ?? "skein-data"
        return URL(fileURLWithPath: path)
    }

    func environment(logLevel: Logger.Level = .warning) throws -> SkeinEnvironment {
        var logger = Logger(label: "skein")
        logger.logLevel = logLevel
        do {
            return try SkeinEnvironment(dataDirectory: resolvedDirectory, logger: logger)
        } catch {
            throw CLIError("\(error)")
        }
    }
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
