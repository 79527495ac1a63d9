import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List, inspect, replay and retry runs.", subcommands: [List.self, Show.self, Stop.self, Replay.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @Option(help: "Only runs with this status (started, success, failure, stopped, partial_success, queued); repeatable.") var status: [String] = []
        @Option(help: "Only runs of this flow.") var flow: String?
        @Option(help: "Only runs started this way (manual, schedule, webhook, api, replay, retry, flow); repeatable.") var trigger: [String] = []
        @Flag(name: .customLong("has-warnings"), help: "Only runs with a warning in some step.") var hasWarnings = false
        @Flag(help: "Only failed runs that no later replay or retry recovered.") var unrecovered = false
        @Option(help: "How many days back to look (when --from is not given).") var days: String = "7"
        @Option(help: "Only runs queued at or after this UTC date or time (2026-05-01 or 2026-05-01T12:00:00Z).") var from: String?
        @Option(help: "Only runs queued at or before this UTC date (the whole day) or time.") var to: String?
        @Option(help: "Show runs older than this run id (the next page).") var before: String?
        @Option(help: "At most this many runs (1 to \(RunFilter.maximumLimit)).") var limit: String = "50"
        @OptionGroup var options: DataOptions

        /// The flags as the operations' filter reads them.
        var inputs: Inputs {
            var inputs = Inputs()
            inputs["status"] = status
            inputs["trigger"] = trigger
            for (name, value) in [("flow", flow), ("days", days), ("from", from), ("to", to), ("before", before), ("limit", limit)] {
                inputs.set(name, value)
            }
            if hasWarnings { inputs.set("has_warnings", "true") }
            if unrecovered { inputs.set("unrecovered", "true") }
            return inputs
        }

        func run() async throws {
            let (_, operations) = try options.operations()
            let page = try await operations.runs.list(options.caller, inputs)
            let runs = page.runs
            if options.json {
                print(JSON.array(runs.map { RunsCommand.json($0, recoveredBy: page.recoveredBy[$0.id]) }).serialized())
                return
            }
            if runs.isEmpty { print("no runs match"); return }
            print(
                Table(
                    ["RUN", "FLOW", "VERSION", "STATUS", "TRIGGER", "QUEUED (UTC)", "DURATION", "ERROR"],
                    runs.map { run in
                        [
                            String(run.id), run.flowID, "\(run.flowVersion)",
                            run.status.rawValue + (page.recoveredBy[run.id].map { " (recovered by \($0))" } ?? ""),
                            run.trigger.rawValue, RunsCommand.time(run.queuedAt),
                            RunsCommand.duration(run.startedAt, run.finishedAt), run.error.map { String($0.prefix(60)) } ?? "",
                        ]
                    }
                ).render())
            if let next = page.nextBefore { print("more: skein runs list --before \(next)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run with its steps, timings, payload counts and sizes, errors, and the runs replayed or retried from it.")
        @Argument var run: RunID
        @Flag(help: "Also print each step's HTTP requests and responses (secrets redacted).") var calls = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let detail = try await options.operations().1.runs.detail(options.caller, run)
            let (record, steps, inputs, followUps) = (detail.run, detail.steps, detail.inputs, detail.followUps.reversed() as [RunRecord])
            if options.json {
                var object = RunsCommand.json(record, recoveredBy: detail.recoveredBy).objectValue ?? [:]
                object["input_payloads"] = .number(Double(inputs.count))
                object["payloads_expired"] = .bool(record.payloadsExpired)
                object["steps"] = .array(steps.map(RunsCommand.json))
                object["follow_up_runs"] = .array(followUps.reversed().map(RunsCommand.json))
                print(JSON.object(object).serialized(.pretty))
                return
            }
            print("run \(record.id)  flow \(record.flowID) v\(record.flowVersion)  \(record.status.rawValue)  trigger \(record.trigger.rawValue)")
            print(
                "queued \(RunsCommand.time(record.queuedAt))  duration \(RunsCommand.duration(record.startedAt, record.finishedAt))"
                    + (record.originRunID.map { record.trigger == .flow ? "  called by run \($0)" : "  \(record.trigger.rawValue) of run \($0)" } ?? "")
                    + (record.entryShapeID.map { "  entered at '\($0)'" } ?? "")
                    + (record.claims > 1 ? "  picked up \(record.claims) times" : ""))
            if let error = record.error { print("error: \(error)") }
            if let recovery = detail.recoveredBy { print("recovered by run \(recovery)") }
            if let traceID = record.traceID { print("trace: \(traceID)") }
            let expired = record.payloadsExpired ? " — payloads expired" : ""
            print("input: \(record.inputCount) payload\(record.inputCount == 1 ? "" : "s") (\(inputs.reduce(0) { $0 + $1.size }) bytes)\(expired)")
            print(
                Table(
                    ["STEP", "SHAPE", "TYPE", "STATUS", "TRIES", "DURATION", "IN", "IN BYTES", "OUT", "OUT BYTES"],
                    steps.map { step in
                        [
                            String(step.sequence), step.path ?? step.shapeID, step.shapeType, step.status.rawValue, String(step.attempts),
                            RunsCommand.duration(step.startedAt, step.finishedAt), String(step.inputCount), ByteCount.text(step.inputBytes),
                            String(step.outputCount),
                            ByteCount.text(step.outputBytes) + (record.payloadsExpired && step.outputCount > 0 ? " (payloads expired)" : ""),
                        ]
                    }
                ).render())
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
                print(
                    "\(how) as run \(followUp.id): \(followUp.status.rawValue)"
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
            _ = try await options.operations().1.runs.stop(options.caller, run)
            print("run \(run) will stop before its next step")
        }
    }

    static func json(_ run: RunRecord) -> JSON {
        [
            "id": .number(Double(run.id.rawValue)), "flow": .string(run.flowID), "version": .number(Double(run.flowVersion)),
            "status": .string(run.status.rawValue), "trigger": .string(run.trigger.rawValue), "queued_at": .string(iso(run.queuedAt)),
            "started_at": run.startedAt.map { .string(iso($0)) } ?? .null, "finished_at": run.finishedAt.map { .string(iso($0)) } ?? .null,
            "error": run.error.map(JSON.string) ?? .null, "failed_step": run.failedShapeID.map(JSON.string) ?? .null,
            "origin_run": run.originRunID.map { .number(Double($0.rawValue)) } ?? .null, "entry_step": run.entryShapeID.map(JSON.string) ?? .null,
            "has_warnings": .bool(run.hasWarnings),
            "pickups": .number(Double(run.claims)), "trace_id": run.traceID.map(JSON.string) ?? .null,
        ]
    }

    /// A run with `recovered_by`: the run replayed or retried from it that succeeded (null when none).
    static func json(_ run: RunRecord, recoveredBy: RunID?) -> JSON {
        var object = json(run).objectValue ?? [:]
        object["recovered_by"] = recoveredBy.map { .number(Double($0.rawValue)) } ?? .null
        return .object(object)
    }

    static func json(_ step: StepRecord) -> JSON {
        [
            "sequence": .number(Double(step.sequence)), "shape": .string(step.shapeID), "type": .string(step.shapeType),
            "status": .string(step.status.rawValue), "attempts": .number(Double(step.attempts)), "started_at": .string(iso(step.startedAt)),
            "duration_ms": step.duration.map { .number(Double($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) } ?? .null,
            "payloads_in": .number(Double(step.inputCount)), "payloads_out": .number(Double(step.outputCount)),
            "bytes_in": .number(Double(step.inputBytes)), "bytes_out": .number(Double(step.outputBytes)), "error": step.error.map(JSON.string) ?? .null,
            "error_details": step.errorDetails ?? .null, "warnings": .array(step.warnings.map(JSON.string)), "calls": .array(step.calls),
            "path": .string(step.path ?? step.shapeID), "details": step.details ?? .null,
        ]
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
