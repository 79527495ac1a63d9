import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinShapes
import SkeinStorage

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
            let pools = try await options.environment().store.dataPools()
            if options.json {
                print(JSON.array(pools.map { ["name": .string($0.name), "keys": .number(Double($0.keys)),
                                              "oldest": $0.oldest.map { .string(RunsCommand.iso($0)) } ?? .null,
                                              "newest": $0.newest.map { .string(RunsCommand.iso($0)) } ?? .null] }).serialized())
                return
            }
            if pools.isEmpty { print("no data pools yet (a dedupe shape creates its pool on first use)"); return }
            print(Table(["POOL", "KEYS", "OLDEST", "NEWEST"], pools.map {
                [$0.name, String($0.keys), $0.oldest.map(RunsCommand.iso) ?? "-", $0.newest.map(RunsCommand.iso) ?? "-"]
            }).render())
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a pool's keys as CSV (oldest first).")
        @Argument(help: "The pool.") var pool: String
        @Option(name: .shortAndLong, help: "The CSV file to write ('-' for standard output).") var output: String = "-"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let store = try options.environment().store
            let handle: FileHandle
            if output == "-" { handle = .standardOutput } else {
                guard FileManager.default.createFile(atPath: output, contents: nil), let opened = FileHandle(forWritingAtPath: output) else {
                    throw CLIError("cannot write \(output)")
                }
                handle = opened
            }
            defer { if output != "-" { try? handle.close() } }
            try handle.write(contentsOf: Data("key,first_seen_at,expires_at\r\n".utf8))
            let count = SyncCSV.Counter()
            try await store.streamPoolKeys(pool: pool, batchSize: 1000) { keys in
                var text = ""
                for key in keys {
                    text += [key.key, PoolCommand.iso(key.firstSeenAt), key.expiresAt.map(PoolCommand.iso) ?? ""].map(SyncReportColumns.field).joined(separator: ",") + "\r\n"
                }
                try handle.write(contentsOf: Data(text.utf8))
                count.add(keys.count)
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
            let records: [[String]]
            do { records = try CSVReader.records(text) } catch { throw CLIError("\(file): \(error)") }
            guard let header = records.first else { throw CLIError("\(file) is empty; the first line must be a header with a 'key' column") }
            let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let keyColumn = names.firstIndex(of: "key") else {
                throw CLIError("\(file) line 1: the header has no 'key' column (found: \(header.joined(separator: ",")))")
            }
            let seenColumn = names.firstIndex(of: "first_seen_at")
            let expiresColumn = names.firstIndex(of: "expires_at")
            let now = Date()
            var defaultExpiry: Date?
            if retention != "forever" {
                guard let duration = DurationText.parse(retention), duration > .zero else { throw CLIError("--retention '\(retention)': use e.g. 90d, 12h or forever") }
                defaultExpiry = now.addingTimeInterval(Double(duration.components.seconds))
            }
            var keys: [PoolKey] = []
            for (offset, record) in records.dropFirst().enumerated() {
                let line = offset + 2
                guard record.count == header.count else {
                    throw CLIError("\(file) line \(line): \(record.count) field\(record.count == 1 ? "" : "s"), the header has \(header.count)")
                }
                let key = record[keyColumn]
                guard !key.isEmpty else { throw CLIError("\(file) line \(line): the key is empty") }
                let seen = try seenColumn.map { try date(record[$0], file: file, line: line, column: "first_seen_at") } ?? nil
                let expires = try expiresColumn.map { try date(record[$0], file: file, line: line, column: "expires_at") } ?? nil
                keys.append(PoolKey(key: key, firstSeenAt: seen ?? now, expiresAt: expiresColumn == nil ? defaultExpiry : expires))
            }
            let added = try await options.environment().store.importPoolKeys(pool: pool, keys: keys, now: now)
            print("imported \(added) new key\(added == 1 ? "" : "s") into pool '\(pool)' (\(keys.count - added) already there)")
        }

        func date(_ text: String, file: String, line: Int, column: String) throws -> Date? {
            if text.isEmpty { return nil }
            let zoned = text.hasSuffix("Z") || text.contains("+") ? text : text + "Z"
            if let date = try? Date(zoned, strategy: .iso8601) { return date }
            if let date = try? Date(zoned, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            throw CLIError("\(file) line \(line): \(column) '\(text)' is not a UTC ISO 8601 time such as 2026-05-01T12:00:00Z")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget every key of a pool.")
        @Argument(help: "The pool.") var pool: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let deleted = try await options.environment().store.deletePool(pool)
            print("deleted pool '\(pool)' (\(deleted) key\(deleted == 1 ? "" : "s"))")
        }
    }
}
