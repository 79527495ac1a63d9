import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinStorage

/// `skein sync`: the sync report — every item a send step tried to deliver, its status, resync.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "The sync report: every item sent, its status; resync and confirm.",
        discussion: "Statuses: ok, sent (awaiting confirmation), pending (will be retried), failed. See docs/sync-reports.md.",
        subcommands: [List.self, Show.self, Resync.self, Confirm.self])

    /// The report's window and filters, shared by `list` and `resync`.
    struct Filters: ParsableArguments {
        @Option(help: "Only entries with this status (ok, sent, pending, failed); repeatable.") var status: [String] = []
        @Option(help: "Only entries for this destination system; repeatable.") var system: [String] = []
        @Option(help: "Only entries of this flow; repeatable.") var flow: [String] = []
        @Option(help: "A sync id, or part of a reference or system name.") var search: String?
        @Option(help: "How many days back to look (1 to \(SyncQuery.maximumDays)).") var days: Int = SyncQuery.defaultDays
        @Option(help: "Only entries attempted at or after this UTC date or time (2026-05-01 or 2026-05-01T12:00:00Z); replaces --days.")
        var from: String?
        @Option(help: "Only entries attempted at or before this UTC date or time.") var to: String?

        var isEmpty: Bool { status.isEmpty && system.isEmpty && flow.isEmpty && search == nil && from == nil && to == nil }

        func query(sort: SyncSortColumn = .latestAttempt, descending: Bool = true, limit: Int = 50, now: Date = Date()) throws -> SyncQuery {
            guard (1...SyncQuery.maximumDays).contains(days) else {
                throw CLIError("--days must be between 1 and \(SyncQuery.maximumDays), found \(days)")
            }
            if let problem = SyncQuery.searchProblem(search) { throw CLIError("--\(problem)") }
            let statuses = try status.map { text -> SyncStatus in
                guard let status = SyncStatus(rawValue: text.lowercased()) else {
                    throw CLIError("unknown status '\(text)'; use \(SyncStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let since = try from.map { try Self.date($0, "--from") } ?? now.addingTimeInterval(-Double(days) * 86400)
            let until = try to.map { try Self.date($0, "--to", endOfDay: true) }
            return SyncQuery(since: since, until: until, statuses: statuses, systems: system, flowIDs: flow,
                             search: search, sort: sort, descending: descending, limit: limit)
        }

        /// A UTC date (`2026-05-01`, the whole day for --to) or date-time (`2026-05-01T12:00:00Z`).
        static func date(_ text: String, _ option: String, endOfDay: Bool = false) throws -> Date {
            if text.count == 10, let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) {
                return endOfDay ? day.addingTimeInterval(86400 - 0.001) : day
            }
            if let time = try? Date(text, strategy: .iso8601) { return time }
            throw CLIError("\(option) '\(text)' is not a UTC date (2026-05-01) or time (2026-05-01T12:00:00Z)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sync entries (newest attempt first), with counts by status for the window.",
            discussion: "Page with --after TOKEN (printed as 'more:'), or --all. --csv FILE writes every matching entry.")
        @OptionGroup var filters: Filters
        @Option(help: "Sort by \(SyncSortColumn.allCases.map(\.rawValue).joined(separator: ", ")).") var sort: String = "latest_attempt"
        @Flag(help: "Sort descending (the default for time columns).") var desc = false
        @Flag(help: "Sort ascending.") var asc = false
        @Option(help: "At most this many entries per page.") var limit: Int = 50
        @Option(help: "Continue after this page token.") var after: String?
        @Flag(help: "Every matching entry, not one page.") var all = false
        @Option(help: "Write every matching entry to this CSV file ('-' for standard output).") var csv: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            guard let column = SyncSortColumn(rawValue: sort) else {
                throw CLIError("cannot sort by '\(sort)'; use \(SyncSortColumn.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard limit >= 1 else { throw CLIError("--limit must be at least 1") }
            let descending = desc || (!asc && (column == .latestAttempt || column == .firstAttempt))
            var query = try filters.query(sort: column, descending: descending, limit: limit)
            if let after {
                guard let cursor = SyncCursor(token: after) else { throw CLIError("--after '\(after)' is not a page token from skein sync list") }
                query.after = cursor
            }
            let store = try options.environment().store
            if let csv {
                let count = try await SyncCSV.write(store: store, query: query, to: csv)
                if csv != "-" { print("wrote \(count) entr\(count == 1 ? "y" : "ies") to \(csv)") }
                return
            }
            if all { query.limit = 1000 }
            let counts = try await store.syncCounts(query)
            if options.json {
                try await printJSON(store: store, query: query, counts: counts)
                return
            }
            let page = try await store.syncEntries(query)
            print(SyncStatus.allCases.map { "\($0.rawValue.uppercased()) \(counts[$0] ?? 0)" }.joined(separator: "  ")
                  + (filters.from == nil ? "  (last \(filters.days) day\(filters.days == 1 ? "" : "s"))" : ""))
            if page.entries.isEmpty { print("no sync entries match"); return }
            let next = page.next
            print(table(page.entries))
            if all, let cursor = next {
                query.after = cursor
                try await store.streamSyncEntries(query, batchSize: 1000) { entries in
                    print(table(entries).split(separator: "\n").dropFirst().joined(separator: "\n"))
                }
            } else if let next {
                print("more: skein sync list --after '\(next.token)' (with the same filters and sort)")
            }
        }

        func table(_ entries: [SyncEntry]) -> String {
            Table(["SYNC ID", "STATUS", "SYSTEM", "REFERENCE", "FLOW", "RUN", "TRIES", "LATEST (UTC)", "LATEST SYNC INFORMATION"], entries.map {
                [String($0.id), $0.status.rawValue.uppercased(), $0.system, $0.reference, $0.flowID, String($0.runID), String($0.attempts),
                 RunsCommand.time($0.latestAttemptAt), String($0.latestResponse.prefix(70))]
            }).render()
        }

        /// Prints `{"counts":…,"entries":[…],"next":…}`, streaming the entries when --all.
        func printJSON(store: any SyncReportReader, query: SyncQuery, counts: [SyncStatus: Int]) async throws {
            let countsJSON = JSON.object(.init(uniqueKeysWithValues: SyncStatus.allCases.map { ($0.rawValue, JSON.number(Double(counts[$0] ?? 0))) }))
            print("{\"days\":\(filters.days),\"counts\":\(countsJSON.serialized()),\"entries\":[", terminator: "")
            var next: SyncCursor?
            if all {
                // One streamed read: linear in the rows whatever the sort.
                let started = SyncCSV.Counter()
                try await store.streamSyncEntries(query, batchSize: 1000) { entries in
                    var text = ""
                    for entry in entries {
                        text += (started.value == 0 && text.isEmpty ? "\n" : ",\n") + SyncCSV.json(entry).serialized()
                    }
                    started.add(entries.count)
                    print(text, terminator: "")
                }
            } else {
                let page = try await store.syncEntries(query)
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
            let store = try options.environment().store
            guard let entry = try await store.syncEntry(id: id) else { throw CLIError("no sync entry \(id)") }
            let transitions = try await store.syncTransitions(entryID: id)
            let payload = try await store.syncPayload(entryID: id)
            let payloadText = payload.map { String(decoding: $0.bytes(), as: UTF8.self) } ?? ""
            if options.json {
                var object = SyncCSV.json(entry).objectValue ?? [:]
                object["next_retry"] = entry.nextRetryAt.map { .string(RunsCommand.iso($0)) } ?? .null
                object["history"] = .array(transitions.map {
                    ["at": .string(RunsCommand.iso($0.at)), "from": $0.from.map { .string($0.rawValue) } ?? .null,
                     "to": .string($0.to.rawValue), "reason": .string($0.reason)]
                })
                object["payload"] = payload.map { (try? $0.json()) ?? .string(payloadText) } ?? .null
                print(JSON.object(object).serialized(.pretty))
                return
            }
            print("sync \(entry.id)  \(entry.status.rawValue.uppercased())  system \(entry.system)  reference \(entry.reference)")
            print("flow \(entry.flowID) v\(entry.flowVersion)  run \(entry.runID)  step \(entry.shapeID)")
            print("source id \(entry.sourceID.isEmpty ? "-" : entry.sourceID)  endpoint id \(entry.endpointID.isEmpty ? "-" : entry.endpointID)")
            print("attempts \(entry.attempts)  first \(RunsCommand.time(entry.firstAttemptAt))  latest \(RunsCommand.time(entry.latestAttemptAt))"
                  + (entry.nextRetryAt.map { "  next retry \(RunsCommand.time($0))" } ?? ""))
            print("latest: \(entry.latestResponse)")
            print("history:")
            print(Table(["AT (UTC)", "FROM", "TO", "REASON"], transitions.map {
                [RunsCommand.time($0.at), $0.from?.rawValue ?? "-", $0.to.rawValue, $0.reason]
            }).render())
            print("payload sent (\(entry.payloadSize) bytes):")
            print(full || payloadText.count <= 2000 ? payloadText : String(payloadText.prefix(2000)) + " [trimmed: --full]")
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send entries again through the same step and instance (a new attempt on the same entry).",
            discussion: "Give sync ids, or filters (for example --status failed --system ERP) to resync every matching entry.")
        @Argument(help: "Sync ids.") var ids: [SyncEntryID] = []
        @Flag(name: .customLong("include-ok"),
              help: "Also send entries that are OK (the destination has them): they are sent again whatever the delivery ledger says.")
        var includeOK = false
        @OptionGroup var filters: Filters
        @OptionGroup var options: DataOptions

        func run() async throws {
            if ids.isEmpty && filters.isEmpty {
                throw CLIError("give sync ids, or filters such as --status failed to resync every matching entry")
            }
            if !ids.isEmpty && !filters.isEmpty { throw CLIError("give either sync ids or filters, not both") }
            let environment = try options.environment()
            let resender = environment.syncResender()
            var results: [SyncEntry] = []
            var tally: [SyncStatus: Int] = [:]
            func resend(_ id: SyncEntryID) async throws { record(try await resender.resend(id: id, manual: true)) }
            func record(_ entry: SyncEntry) {
                tally[entry.status, default: 0] += 1
                if options.json { results.append(entry) } else {
                    print("sync \(entry.id) \(entry.reference): \(entry.status.rawValue.uppercased()) — \(entry.latestResponse.prefix(100))")
                }
            }
            if ids.isEmpty {
                try await resender.resendAll(matching: try filters.query(), includeOK: includeOK) { entry in record(entry) }
            } else {
                for id in ids {
                    guard let entry = try await environment.store.syncEntry(id: id) else { throw CLIError("no sync entry \(id)") }
                    if entry.status == .ok && !includeOK {
                        throw CLIError("sync entry \(id) is OK: the destination accepted it. Sending it again delivers it twice "
                                       + "unless the destination de-duplicates; add --include-ok to send it anyway")
                    }
                }
                for id in ids { try await resend(id) }
            }
            if options.json {
                print(JSON.array(results.map(SyncCSV.json)).serialized(.pretty))
            } else {
                let total = tally.values.reduce(0, +)
                print("resynced \(total): " + SyncStatus.allCases.compactMap { status in
                    tally[status].map { "\($0) \(status.rawValue.uppercased())" } }.joined(separator: ", "))
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
                print(options.json ? JSON.object(["confirmed": .number(Double(confirmed))]).serialized()
                                   : "\(confirmed) Sent entries confirmed by acknowledgement files (now OK)")
                return
            }
            let store = try options.environment().store
            let confirmed = try await store.confirmSync(ids: ids, reason: reason, now: Date())
            let skipped = ids.filter { !confirmed.contains($0) }
            if options.json {
                print(JSON.object(["confirmed": .array(confirmed.map { .number(Double($0.rawValue)) }),
                                   "not_sent": .array(skipped.map { .number(Double($0.rawValue)) })]).serialized())
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
