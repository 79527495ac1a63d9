import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `skein lookup`: cross-reference lookup tables, which expressions read as `$lookup("name", value)`.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Cross-reference lookup tables: two columns (left, right) that $lookup translates between.",
        discussion: """
            In a map, filter, route or set_variables expression: $lookup("shipping-codes", shipping_method) gives the right \
            value of the row whose left value matches (add "reverse" for right → left); a value with no row gives the \
            table's default, or fails the step on that payload. CSV files have the header left,right. See docs/lookups.md.
            """,
        subcommands: [List.self, Show.self, Create.self, Update.self, SetRow.self, RemoveRow.self, Import.self, Export.self, Delete.self])

    static func lookups(_ options: DataOptions) throws -> LookupOperations { try options.operations().1.lookups }

    static func json(_ summary: LookupSummary) -> JSON {
        [
            "name": .string(summary.name), "description": .string(summary.description), "default": summary.defaultValue.map(JSON.string) ?? .null,
            "rows": .number(Double(summary.rowCount)), "updated_at": .string(RunsCommand.iso(summary.updatedAt)),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every lookup table with its number of rows.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let tables = try await LookupCommand.lookups(options).list(options.caller)
            if options.json { print(JSON.array(tables.map(LookupCommand.json)).serialized()); return }
            if tables.isEmpty { print("no lookup tables yet (skein lookup create NAME)"); return }
            print(
                Table(
                    ["LOOKUP", "ROWS", "DEFAULT", "UPDATED (UTC)", "DESCRIPTION"],
                    tables.map {
                        [$0.name, String($0.rowCount), $0.defaultValue ?? "-", RunsCommand.time($0.updatedAt), $0.description]
                    }
                ).render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one table and its rows.")
        @Argument(help: "The table.") var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let (table, updatedAt) = try await LookupCommand.lookups(options).table(options.caller, name: name)
            if options.json {
                var object =
                    LookupCommand.json(
                        LookupSummary(
                            name: table.name, description: table.description, defaultValue: table.defaultValue,
                            rowCount: table.rows.count, updatedAt: updatedAt)
                    ).objectValue ?? [:]
                object["rows"] = .array(table.rows.map { ["left": .string($0.left), "right": .string($0.right)] })
                print(JSON.object(object).serialized())
                return
            }
            print(
                """
                lookup:         \(table.name)
                description:    \(table.description.isEmpty ? "-" : table.description)
                default:        \(table.defaultValue.map { "'\($0)'" } ?? "- (an unmatched value fails the step)")
                rows:           \(table.rows.count)
                updated (UTC):  \(RunsCommand.time(updatedAt))
                """)
            if !table.rows.isEmpty {
                print("")
                print(Table(["LEFT", "RIGHT"], table.rows.map { [$0.left, $0.right] }).render())
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty table (add rows with set or import).")
        @Argument(help: "The table's name: lowercase letters, digits, '-' and '_', at most 64 characters.") var name: String
        @Option(help: "What the table translates, for people.") var description = ""
        @Option(name: .customLong("default"), help: "The answer for a value with no row (without one, such a value fails the step).")
        var defaultValue: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await LookupCommand.lookups(options).create(options.caller, LookupTable(name: name, description: description, defaultValue: defaultValue))
            print("created lookup table '\(name)'")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a table's description or default, keeping its rows.")
        @Argument(help: "The table.") var name: String
        @Option(help: "The new description.") var description: String?
        @Option(name: .customLong("default"), help: "The new default.") var defaultValue: String?
        @Flag(help: "Remove the default: unmatched values fail the step.") var noDefault = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if noDefault && defaultValue != nil { throw ValidationError("give --default or --no-default, not both") }
            if description == nil && defaultValue == nil && !noDefault {
                throw ValidationError("nothing to change: give --description, --default or --no-default")
            }
        }

        func run() async throws {
            let newDefault: String?? = noDefault ? .some(nil) : defaultValue.map { .some($0) }
            try await LookupCommand.lookups(options).describe(options.caller, name: name, description: description, defaultValue: newDefault)
            print("updated lookup table '\(name)'")
        }
    }

    struct SetRow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Add a row, or change the right value of the row with this left value.")
        @Argument(help: "The table.") var name: String
        @Argument(help: "The left value.") var left: String
        @Argument(help: "The right value.") var right: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let added = try await LookupCommand.lookups(options).setRow(options.caller, name: name, row: LookupRow(left: left, right: right))
            print("\(added ? "added" : "set") '\(left)' → '\(right)' in lookup table '\(name)'")
        }
    }

    struct RemoveRow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-row", abstract: "Remove the row with this left value.")
        @Argument(help: "The table.") var name: String
        @Argument(help: "The left value.") var left: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await LookupCommand.lookups(options).removeRow(options.caller, name: name, left: left)
            print("removed '\(left)' from lookup table '\(name)'")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add and update rows from a CSV file (header left,right; at most 5 MB); rows not in the file are kept.")
        @Argument(help: "The table (create it first).") var name: String
        @Argument(help: "The CSV file, or - for standard input.") var file: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            // A file past the limit is refused before it is read.
            if file != "-", let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > LookupLimits.maxImportBytes {
                throw CLIError("\(file): the CSV is \(size) bytes; an import takes at most \(LookupLimits.maxImportBytes) bytes")
            }
            let bytes = try InputBytes.read(file)
            let counts = try await LookupCommand.lookups(options).importCSV(options.caller, name: name, bytes: bytes, file: file)
            if options.json {
                print(
                    JSON.object([
                        "added": .number(Double(counts.added)), "updated": .number(Double(counts.updated)),
                        "unchanged": .number(Double(counts.unchanged)),
                    ]).serialized())
                return
            }
            print("imported into lookup table '\(name)': \(counts.added) added, \(counts.updated) updated, \(counts.unchanged) unchanged")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a table's rows as CSV (header left,right).")
        @Argument(help: "The table.") var name: String
        @Option(name: .shortAndLong, help: "The CSV file to write ('-' for standard output).") var output: String = "-"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let text = try await LookupCommand.lookups(options).exportCSV(options.caller, name: name)
            if output == "-" { FileHandle.standardOutput.write(Data(text.utf8)); return }
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else { throw CLIError("cannot write \(output)") }
            let rows = text.split(separator: "\r\n", omittingEmptySubsequences: true).count - 1
            print("wrote \(rows) row\(rows == 1 ? "" : "s") of lookup table '\(name)' to \(output)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a table and its rows (flows using it then fail their $lookup calls).")
        @Argument(help: "The table.") var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await LookupCommand.lookups(options).delete(options.caller, name: name)
            print("deleted lookup table '\(name)'")
        }
    }
}
