import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinShapes

/// `skein pool`: the data pools de-dupe shapes remember keys in — list, export, import, delete.
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: "De-dupe data pools: list them, export or import their keys as CSV, delete one.",
        discussion: "CSV columns: key,first_seen_at,expires_at (UTC ISO 8601; expires_at empty = never). See docs/shapes.md#dedupe.",
        subcommands: [List.self, Export.self, Import.self, Delete.self])

    /// UTC ISO 8601 with milliseconds and `Z`, as exports write and imports read.
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every pool with its number of keys.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let pools = try await options.operations().1.pools.list(options.caller)
            if options.json {
                print(
                    JSON.array(
                        pools.map {
                            [
                                "name": .string($0.name), "keys": .number(Double($0.keys)),
                                "oldest": $0.oldest.map { .string(RunsCommand.iso($0)) } ?? .null,
                                "newest": $0.newest.map { .string(RunsCommand.iso($0)) } ?? .null,
                            ]
                        }
                    ).serialized())
                return
            }
            if pools.isEmpty { print("no data pools yet (a dedupe shape creates its pool on first use)"); return }
            print(
                Table(
                    ["POOL", "KEYS", "OLDEST", "NEWEST"],
                    pools.map {
                        [$0.name, String($0.keys), $0.oldest.map(RunsCommand.iso) ?? "-", $0.newest.map(RunsCommand.iso) ?? "-"]
                    }
                ).render())
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a pool's keys as CSV (oldest first).")
        @Argument(help: "The pool.") var pool: String
        @Option(name: .shortAndLong, help: "The CSV file to write ('-' for standard output).") var output: String = "-"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let pools = try options.operations().1.pools
            let handle: FileHandle
            if output == "-" {
                handle = .standardOutput
            } else {
                guard FileManager.default.createFile(atPath: output, contents: nil), let opened = FileHandle(forWritingAtPath: output) else {
                    throw CLIError("cannot write \(output)")
                }
                handle = opened
            }
            defer { if output != "-" { try? handle.close() } }
            try handle.write(contentsOf: Data(PoolOperations.csvHeader.utf8))
            let count = SyncCSV.Counter()
            try await pools.exportCSV(options.caller, pool: pool) { text, keys in
                try handle.write(contentsOf: Data(text.utf8))
                count.add(keys)
            }
            if output != "-" { print("wrote \(count.value) key\(count.value == 1 ? "" : "s") of pool '\(pool)' to \(output)") }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add keys from a CSV file to a pool (keys already there are kept as they are).",
            discussion: "The first line is the header; it must have a 'key' column, and may have first_seen_at and expires_at. "
                + "Keys without expires_at get --retention (default 90d; 'forever' for none).")
        @Argument(help: "The pool.") var pool: String
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "How long imported keys are remembered when the file gives no expires_at (e.g. 90d, or forever).") var retention = "90d"
        @OptionGroup var options: DataOptions

        func run() async throws {
            if let problem = DedupeShape.poolNameProblem(pool) { throw CLIError(problem) }
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is not UTF-8 text") }
            var retention: Duration?
            if self.retention != "forever" {
                guard let duration = DurationText.parse(self.retention), duration > .zero else {
                    throw CLIError("--retention '\(self.retention)': use e.g. 90d, 12h or forever")
                }
                retention = duration
            }
            let (added, total) = try await options.operations().1.pools.importCSV(options.caller, pool: pool, text: text, file: file, retention: retention)
            print("imported \(added) new key\(added == 1 ? "" : "s") into pool '\(pool)' (\(total - added) already there)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget every key of a pool.")
        @Argument(help: "The pool.") var pool: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let deleted = try await options.operations().1.pools.delete(options.caller, pool: pool)
            print("deleted pool '\(pool)' (\(deleted) key\(deleted == 1 ? "" : "s"))")
        }
    }
}
