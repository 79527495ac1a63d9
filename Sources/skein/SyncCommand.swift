import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `skein sync`: the sync report — every item a send step tried to deliver, its status, resync.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "The sync report: every item sent, its status; resync and confirm.",
        discussion: "Statuses: ok, sent (awaiting confirmation), pending (will be retried), failed. See docs/sync-reports.md.",
        subcommands: [List.self, Show.self, Resync.self, Confirm.self])

    /// The report's window and filters, shared by `list` and `resync`: handed to the operations'
    /// one parser (`SyncFilter`) as they are written, so the CLI refuses what the API refuses.
    struct Filters: ParsableArguments {
        @Option(help: "Only entries with this status (ok, sent, pending, failed, skipped); repeatable.") var status: [String] = []
        @Option(help: "Only entries for this destination system; repeatable.") var system: [String] = []
        @Option(help: "Only entries of this flow; repeatable.") var flow: [String] = []
        @Option(help: "A sync id, or part of a reference or system name.") var search: String?
        @Option(help: "How many days back to look (1 to \(SyncQuery.maximumDays), default \(SyncQuery.defaultDays)).") var days: String?
        @Option(help: "Only entries attempted at or after this UTC date or time (2026-05-01 or 2026-05-01T12:00:00Z); replaces --days.")
        var from: String?
        @Option(help: "Only entries attempted at or before this UTC date or time.") var to: String?

        var inputs: Inputs {
            var inputs = Inputs()
            inputs["status"] = status
            inputs["system"] = system
            inputs["flow"] = flow
            for (name, value) in [("search", search), ("days", days), ("from", from), ("to", to)] { inputs.set(name, value) }
            return inputs
        }

        var isEmpty: Bool { !inputs.hasAny(SyncFilter.filterNames) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sync entries (newest attempt first), with counts by status for the window.",
            discussion: "Page with --after TOKEN (printed as 'more:'), or --all. --csv FILE writes every matching entry.")
        @OptionGroup var filters: Filters
        @Option(help: "Sort by \(SyncSortColumn.allCases.map(\.rawValue).joined(separator: ", ")).") var sort: String = "latest_attempt"
        @Flag(help: "Sort descending (the default for time columns).") var desc = false
        @Flag(help: "Sort ascending.") var asc = false
        @Option(help: "At most this many entries per page (1 to \(SyncFilter.maximumLimit)).") var limit: String = "50"
        @Option(help: "Continue after this page token.") var after: String?
        @Flag(help: "Every matching entry, not one page.") var all = false
        @Option(help: "Write every matching entry to this CSV file ('-' for standard output).") var csv: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            var inputs = filters.inputs
            for (name, value) in [("sort", sort), ("order", desc ? "desc" : asc ? "asc" : nil), ("limit", limit), ("after", after)] {
                inputs.set(name, value)
            }
            let sync = try options.operations().1.sync
            let caller = options.caller
            _ = try sync.query(inputs)
            if let csv {
                let count = try await SyncCSV.write(sync, caller, inputs, to: csv)
                if csv != "-" { print("wrote \(count) entr\(count == 1 ? "y" : "ies") to \(csv)") }
                return
            }
            if all { inputs.set("limit", "1000") }
            let counts = try await sync.counts(caller, inputs)
            let days = try SyncFilter.days(inputs)
            if options.json {
                try await printJSON(sync, inputs: inputs, counts: counts, days: days)
                return
            }
            let page = try await sync.entries(caller, inputs)
            print(
                SyncStatus.allCases.map { "\($0.rawValue.uppercased()) \(counts[$0] ?? 0)" }.joined(separator: "  ")
                    + (filters.from == nil ? "  (last \(days) day\(days == 1 ? "" : "s"))" : ""))
            if page.entries.isEmpty { print("no sync entries match"); return }
            let next = page.next
            print(table(page.entries))
            if all, let cursor = next {
                inputs.set("after", cursor.token)
                try await sync.stream(caller, inputs, batchSize: 1000) { entries in
                    print(table(entries).split(separator: "\n").dropFirst().joined(separator: "\n"))
                }
            } else if let next {
                print("more: skein sync list --after '\(next.token)' (with the same filters and sort)")
            }
        }

        func table(_ entries: [SyncEntry]) -> String {
            Table(
                ["SYNC ID", "STATUS", "SYSTEM", "REFERENCE", "FLOW", "RUN", "TRIES", "LATEST (UTC)", "LATEST SYNC INFORMATION"],
                entries.map {
                    [
                        String($0.id), $0.status.rawValue.uppercased(), $0.system, $0.reference, $0.flowID, String($0.runID), String($0.attempts),
                        RunsCommand.time($0.latestAttemptAt), String($0.latestResponse.prefix(70)),
                    ]
                }
            ).render()
        }

        /// Prints `{"counts":…,"entries":[…],"next":…}`, streaming the entries when --all.
        func printJSON(_ sync: SyncOperations, inputs: Inputs, counts: [SyncStatus: Int], days: Int) async throws {
            let countsJSON = JSON.object(.init(uniqueKeysWithValues: SyncStatus.allCases.map { ($0.rawValue, JSON.number(Double(counts[$0] ?? 0))) }))
            print("{\"days\":\(days),\"counts\":\(countsJSON.serialized()),\"entries\":[", terminator: "")
            var next: SyncCursor?
            if all {
                // One streamed read: linear in the rows whatever the sort.
                let started = SyncCSV.Counter()
                try await sync.stream(options.caller, inputs, batchSize: 1000) { entries in
                    var text = ""
                    for entry in entries {
                        text += (started.value == 0 && text.isEmpty ? "\n" : ",\n") + SyncCSV.json(entry).serialized()
                    }
                    started.add(entries.count)
                    print(text, terminator: "")
                }
            } else {
                let page = try await sync.entries(options.caller, inputs)
                print(page.entries.map { "\n" + SyncCSV.json($0).serialized() }.joined(separator: ","), terminator: "")
                next = page.next
            }
            print("\n],\"next\":\(next.map { JSON.string($0.token).serialized() } ?? "null")}")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one sync entry: its attempts, status history and the payload sent.")
        @Argument var id: SyncEntryID
        @Flag(help: "Print the whole payload (otherwise its first 2,000 characters).") var full = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let detail = try await options.operations().1.sync.detail(options.caller, id)
            let (entry, transitions, payload) = (detail.entry, detail.transitions, detail.payload)
            let payloadText = payload.map { String(decoding: $0.bytes(), as: UTF8.self) } ?? ""
            if options.json {
                var object = SyncCSV.json(entry).objectValue ?? [:]
                object["next_retry"] = entry.nextRetryAt.map { .string(RunsCommand.iso($0)) } ?? .null
                object["history"] = .array(
                    transitions.map {
                        [
                            "at": .string(RunsCommand.iso($0.at)), "from": $0.from.map { .string($0.rawValue) } ?? .null,
                            "to": .string($0.to.rawValue), "reason": .string($0.reason),
                        ]
                    })
                object["attempts"] = .array(
                    detail.attempts.map {
                        [
                            "attempt": .number(Double($0.number)), "at": .string(RunsCommand.iso($0.at)), "status": .string($0.status.rawValue),
                            "reason": .string($0.reason), "response": .string($0.response), "endpoint_id": .string($0.endpointID), "manual": .bool($0.manual),
                        ]
                    })
                object["payload"] = payload.map { (try? $0.json()) ?? .string(payloadText) } ?? .null
                print(JSON.object(object).serialized(.pretty))
                return
            }
            print("sync \(entry.id)  \(entry.status.rawValue.uppercased())  system \(entry.system)  reference \(entry.reference)")
            print("flow \(entry.flowID) v\(entry.flowVersion)  run \(entry.runID)  step \(entry.shapeID)")
            print("source id \(entry.sourceID.isEmpty ? "-" : entry.sourceID)  endpoint id \(entry.endpointID.isEmpty ? "-" : entry.endpointID)")
            print(
                "attempts \(entry.attempts)  first \(RunsCommand.time(entry.firstAttemptAt))  latest \(RunsCommand.time(entry.latestAttemptAt))"
                    + (entry.nextRetryAt.map { "  next retry \(RunsCommand.time($0))" } ?? ""))
            print("latest: \(entry.latestResponse)")
            if !detail.attempts.isEmpty {
                print("attempts:")
                print(
                    Table(
                        ["#", "AT (UTC)", "STATUS", "REASON", "ANSWER", "ENDPOINT ID"],
                        detail.attempts.map {
                            [
                                String($0.number), RunsCommand.time($0.at), $0.status.rawValue, $0.reason, $0.response,
                                $0.endpointID.isEmpty ? "-" : $0.endpointID,
                            ]
                        }
                    ).render())
            }
            print("history:")
            print(
                Table(
                    ["AT (UTC)", "FROM", "TO", "REASON"],
                    transitions.map {
                        [RunsCommand.time($0.at), $0.from?.rawValue ?? "-", $0.to.rawValue, $0.reason]
                    }
                ).render())
            print("payload sent (\(entry.payloadSize) bytes):")
            print(full || payloadText.count <= 2000 ? payloadText : String(payloadText.prefix(2000)) + " [trimmed: --full]")
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send entries again through the same step and instance (a new attempt on the same entry).",
            discussion: "Give sync ids, or filters (for example --status failed --system ERP) to resync every matching entry.")
        @Argument(help: "Sync ids.") var ids: [SyncEntryID] = []
        @Flag(
            name: .customLong("include-ok"),
            help: "Also send entries that are OK (the destination has them): they are sent again whatever the delivery ledger says.")
        var includeOK = false
        @OptionGroup var filters: Filters
        @OptionGroup var options: DataOptions

        func run() async throws {
            var inputs = filters.inputs
            inputs["ids"] = ids.map { String($0) }
            let selection = try SyncOperations.Selection.parse(inputs)
            let sync = try options.operations().1.sync
            let json = options.json
            let outcome = try await sync.resync(options.caller, selection, includeOK: includeOK, limit: .max) { entry in
                if !json { print("sync \(entry.id) \(entry.reference): \(entry.status.rawValue.uppercased()) — \(entry.latestResponse.prefix(100))") }
            }
            if json {
                print(JSON.array(outcome.entries.map(SyncCSV.json)).serialized(.pretty))
            } else {
                print(
                    "resynced \(outcome.count): "
                        + SyncStatus.allCases.compactMap { status in
                            outcome.tally[status].map { "\($0) \(status.rawValue.uppercased())" }
                        }.joined(separator: ", "))
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark Sent entries OK: the destination confirmed it received them.",
            discussion: "With --acks, checks every Sent entry's destination for its acknowledgement file now (what skein serve does periodically).")
        @Argument(help: "Sync ids.") var ids: [SyncEntryID] = []
        @Option(help: "Why (recorded in the entry's history).") var reason: String = "confirmed by hand (skein sync confirm)"
        @Flag(help: "Check the destinations' acknowledgement files (sftp ack:) instead of naming ids.") var acks = false
        @OptionGroup var options: DataOptions

        func validate() throws {
            if acks == !ids.isEmpty { throw ValidationError("name sync ids, or pass --acks (not both)") }
        }

        func run() async throws {
            if acks {
                let confirmed = try await options.environment().syncConfirmationService().confirmDue()
                print(
                    options.json
                        ? JSON.object(["confirmed": .number(Double(confirmed))]).serialized()
                        : "\(confirmed) Sent entries confirmed by acknowledgement files (now OK)")
                return
            }
            let (confirmed, skipped) = try await options.operations().1.sync.confirm(options.caller, ids, reason: reason)
            if options.json {
                print(
                    JSON.object([
                        "confirmed": .array(confirmed.map { .number(Double($0.rawValue)) }),
                        "not_sent": .array(skipped.map { .number(Double($0.rawValue)) }),
                    ]).serialized())
                return
            }
            if !confirmed.isEmpty { print("confirmed (now OK): \(confirmed.map(String.init).joined(separator: " "))") }
            if !skipped.isEmpty {
                printError("not confirmed (not Sent, or no such entry): \(skipped.map(String.init).joined(separator: " "))")
                throw ExitCode(1)
            }
        }
    }
}
