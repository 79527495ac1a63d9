import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinStorage

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List, inspect, replay and retry runs.", subcommands: [List.self, Show.self, Stop.self, Replay.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @Option(help: "Only runs with this status (started, success, failure, stopped, partial_success, queued).") var status: [String] = []
        @Option(help: "Only runs of this flow.") var flow: String?
        @Option(help: "Only runs started this way (manual, schedule, webhook, api, replay, retry, flow).") var trigger: [String] = []
        @Flag(name: .customLong("has-warnings"), help: "Only runs with a warning in some step.") var hasWarnings = false
        @Option(help: "How many days back to look.") var days: Int = 7
        @Option(help: "Show runs older than this run id (the next page).") var before: RunID?
        @Option(help: "At most this many runs.") var limit: Int = 50
        @OptionGroup var options: DataOptions

        func run() async throws {
            let statuses = try status.map { text -> RunStatus in
                guard let status = RunStatus(rawValue: text) else {
                    throw CLIError("unknown status '\(text)'; use \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let triggers = try trigger.map { text -> TriggerKind in
                guard let kind = TriggerKind(rawValue: text) else {
                    throw CLIError("unknown trigger '\(text)'; use \(TriggerKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return kind
            }
            let query = RunQuery(flowID: flow, statuses: statuses, triggers: triggers, since: Date().addingTimeInterval(-Double(days) * 86400),
                                 hasWarnings: hasWarnings ? true : nil, before: before, limit: limit)
            let runs = try await options.environment().store.runs(query)
            if options.json {
                print(JSON.array(runs.map(RunsCommand.json)).serialized())
                return
            }
            if runs.isEmpty { print("no runs match"); return }
            print(Table(["RUN", "FLOW", "VERSION", "STATUS", "TRIGGER", "QUEUED (UTC)", "DURATION", "ERROR"], runs.map { run in
                [String(run.id), run.flowID, "\(run.flowVersion)", run.status.rawValue, run.trigger.rawValue, RunsCommand.time(run.queuedAt),
                 RunsCommand.duration(run.startedAt, run.finishedAt), run.error.map { String($0.prefix(60)) } ?? ""]
            }).render())
            if runs.count == limit, let last = runs.last { print("more: skein runs list --before \(last.id)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run with its steps, timings, payload counts and sizes, errors, and the runs replayed or retried from it.")
        @Argument var run: RunID
        @Flag(help: "Also print each step's HTTP requests and responses (secrets redacted).") var calls = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let store = try options.environment().store
            guard let record = try await store.run(id: run) else { throw CLIError("no run \(run)") }
            // A step still running has not written its path yet: it comes from the flow version the run runs.
            let definition = try await store.flow(id: record.flowID, version: record.flowVersion)?.definition
            let steps = try await store.steps(runID: run).map { step in
                var step = step
                if step.path == nil { step.path = definition?.path(of: step.shapeID) }
                return step
            }
            let inputs = try await store.payloadInfos(of: .input(of: run))
            let followUps = try await store.runs(RunQuery(originRunID: run, limit: 1000))
            if options.json {
                var object = RunsCommand.json(record).objectValue ?? [:]
                object["input_payloads"] = .number(Double(inputs.count))
                object["payloads_expired"] = .bool(record.payloadsExpired)
                object["steps"] = .array(steps.map(RunsCommand.json))
                object["follow_up_runs"] = .array(followUps.reversed().map(RunsCommand.json))
                print(JSON.object(object).serialized(.pretty))
                return
            }
            print("run \(record.id)  flow \(record.flowID) v\(record.flowVersion)  \(record.status.rawValue)  trigger \(record.trigger.rawValue)")
            print("queued \(RunsCommand.time(record.queuedAt))  duration \(RunsCommand.duration(record.startedAt, record.finishedAt))"
                  + (record.originRunID.map { record.trigger == .flow ? "  called by run \($0)" : "  \(record.trigger.rawValue) of run \($0)" } ?? "")
                  + (record.entryShapeID.map { "  entered at '\($0)'" } ?? "")
                  + (record.claims > 1 ? "  picked up \(record.claims) times" : ""))
            if let error = record.error { print("error: \(error)") }
            if let traceID = record.traceID { print("trace: \(traceID)") }
            let expired = record.payloadsExpired ? " — payloads expired" : ""
            print("input: \(record.inputCount) payload\(record.inputCount == 1 ? "" : "s") (\(inputs.reduce(0) { $0 + $1.size }) bytes)\(expired)")
            print(Table(["STEP", "SHAPE", "TYPE", "STATUS", "TRIES", "DURATION", "IN", "IN BYTES", "OUT", "OUT BYTES"], steps.map { step in
                [String(step.sequence), step.path ?? step.shapeID, step.shapeType, step.status.rawValue, String(step.attempts),
                 RunsCommand.duration(step.startedAt, step.finishedAt), String(step.inputCount), ByteCount.text(step.inputBytes),
                 String(step.outputCount), ByteCount.text(step.outputBytes) + (record.payloadsExpired && step.outputCount > 0 ? " (payloads expired)" : "")]
            }).render())
            for line in StepTreeText.lines(steps) { print(line) }
            for step in steps {
                for warning in step.warnings { print("warning in \(step.shapeID): \(warning)") }
                if let error = step.error { print("error in \(step.shapeID): \(error)") }
                if !step.calls.isEmpty && !calls {
                    print("\(step.shapeID) made \(step.calls.count) call\(step.calls.count == 1 ? "" : "s") (see --calls)")
                }
            }
            if calls { CallText.print(steps) }
            for followUp in followUps.reversed() {
                let how = followUp.trigger == .retry ? "retried" : followUp.trigger == .flow ? "called flow '\(followUp.flowID)'" : "replayed"
                print("\(how) as run \(followUp.id): \(followUp.status.rawValue)"
                      + (followUp.entryShapeID.map { ", entering at '\($0)'" } ?? "") + " (v\(followUp.flowVersion))")
            }
            if record.payloadsExpired {
                print("payloads: expired (retention); the log above remains")
            } else {
                print("payloads: skein payload show \(record.id) <step> [--index N] [--full]")
                if record.status == .failure { print("recover:  skein runs retry \(record.id)   or   skein runs replay \(record.id) <step>") }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a queued or running run before its next step.")
        @Argument var run: RunID
        @OptionGroup var options: DataOptions
        func run() async throws {
            let stopped = try await options.environment().store.requestStop(runID: run, now: Date())
            if !stopped { throw CLIError("run \(run) is not queued or running") }
            print("run \(run) will stop before its next step")
        }
    }

    static func json(_ run: RunRecord) -> JSON {
        ["id": .number(Double(run.id.rawValue)), "flow": .string(run.flowID), "version": .number(Double(run.flowVersion)),
         "status": .string(run.status.rawValue), "trigger": .string(run.trigger.rawValue), "queued_at": .string(iso(run.queuedAt)),
         "started_at": run.startedAt.map { .string(iso($0)) } ?? .null, "finished_at": run.finishedAt.map { .string(iso($0)) } ?? .null,
         "error": run.error.map(JSON.string) ?? .null, "failed_step": run.failedShapeID.map(JSON.string) ?? .null,
         "origin_run": run.originRunID.map { .number(Double($0.rawValue)) } ?? .null, "entry_step": run.entryShapeID.map(JSON.string) ?? .null, "has_warnings": .bool(run.hasWarnings),
         "pickups": .number(Double(run.claims)), "trace_id": run.traceID.map(JSON.string) ?? .null]
    }

    static func json(_ step: StepRecord) -> JSON {
        ["sequence": .number(Double(step.sequence)), "shape": .string(step.shapeID), "type": .string(step.shapeType),
         "status": .string(step.status.rawValue), "attempts": .number(Double(step.attempts)), "started_at": .string(iso(step.startedAt)),
         "duration_ms": step.duration.map { .number(Double($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) } ?? .null,
         "payloads_in": .number(Double(step.inputCount)), "payloads_out": .number(Double(step.outputCount)),
         "bytes_in": .number(Double(step.inputBytes)), "bytes_out": .number(Double(step.outputBytes)), "error": step.error.map(JSON.string) ?? .null,
         "error_details": step.errorDetails ?? .null, "warnings": .array(step.warnings.map(JSON.string)), "calls": .array(step.calls),
         "path": .string(step.path ?? step.shapeID), "details": step.details ?? .null]
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    static func time(_ date: Date) -> String {
        String(iso(date).replacingOccurrences(of: "T", with: " ").prefix(19))
    }

    static func duration(_ start: Date?, _ end: Date?) -> String {
        guard let start else { return "-" }
        let seconds = (end ?? Date()).timeIntervalSince(start)
        return seconds < 1 ? "\(Int(seconds * 1000))ms" : String(format: "%.2fs", seconds)
    }
}
