import SkeinCore
import SkeinJSON
import SkeinOperations

/// The tools that only read: flows, runs, a run's steps, payloads, failures by error, the sync report.
extension MCPToolbox {
    /// The most of a payload `read_payload` returns at once; a bigger one is read in ranges (`offset`).
    public static let maximumPayloadBytes = 1_048_576
    /// What `read_payload` returns when no `limit` is given: enough for an order, small enough for a model's context.
    public static let defaultPayloadBytes = 16_384

    var readTools: [MCPTool] {
        [
            MCPTool(
                name: "list_flows", title: "List flows",
                description: "The deployed flows: id, latest version, enabled, trigger kind and their shapes (steps) in order.",
                inputSchema: ToolSchema.object([]), readOnly: true
            ) { _, caller in
                ["flows": .array(try await operations.flows.list(caller).map(ToolJSON.flow))]
            },
            MCPTool(
                name: "search_runs", title: "Search runs",
                description: "Runs, newest first, with the filters of `skein runs list`: status, flow, trigger, days or from/to, "
                    + "has_warnings, unrecovered (failed runs no later replay or retry recovered); page with before = the "
                    + "answer's next_before. Each run has its error and failed step, and a failed one recovered_by: the run that recovered it.",
                inputSchema: ToolSchema.object(ToolSchema.runFilter()), readOnly: true
            ) { arguments, caller in
                let page = try await operations.runs.list(caller, arguments)
                return [
                    "runs": .array(page.runs.map { ToolJSON.run($0, recoveredBy: page.recoveredBy[$0.id]) }),
                    "next_before": page.nextBefore.map(ToolJSON.number) ?? .null,
                ]
            },
            MCPTool(
                name: "show_run", title: "Show a run",
                description: "One run with its steps in order (status, attempts, payload counts and sizes, timings, error and "
                    + "error details, warnings), how many input payloads it had, and the runs replayed or retried from it.",
                inputSchema: ToolSchema.object([ToolSchema.run], required: ["run"]), readOnly: true
            ) { arguments, caller in
                let detail = try await operations.runs.detail(caller, try Self.required(arguments.id("run"), "run"))
                return [
                    "run": ToolJSON.run(detail.run, recoveredBy: detail.recoveredBy), "steps": .array(detail.steps.map(ToolJSON.step)),
                    "input_payloads": ToolJSON.number(detail.inputs.count),
                    "follow_up_runs": .array(detail.followUps.map(ToolJSON.run)),
                ]
            },
            MCPTool(
                name: "read_payload", title: "Read a payload",
                description: "A stored payload of a run's step as text: JSON pretty-printed when it fits in limit, else "
                    + "the stored bytes from offset, cut after limit bytes (trimmed: true, and next_offset to read on).",
                inputSchema: ToolSchema.object(
                    [
                        ToolSchema.run,
                        ("step", ToolSchema.string("A step's shape id (its latest step), a step number, or 'input' for what the run started with.")),
                        ("index", ToolSchema.integer("Which payload of the step (from 0).", minimum: 0, defaultValue: 0)),
                        (
                            "limit",
                            ToolSchema.integer(
                                "At most this many bytes.", minimum: 1, maximum: Self.maximumPayloadBytes,
                                defaultValue: Self.defaultPayloadBytes)
                        ),
                        ("offset", ToolSchema.integer("Start at this byte of the stored payload.", minimum: 0, defaultValue: 0)),
                    ], required: ["run", "step"]), readOnly: true
            ) { arguments, caller in
                let view = try await operations.runs.view(
                    caller, run: try Self.required(arguments.id("run"), "run"), step: try Self.required(arguments.string("step"), "step"),
                    index: try arguments.int("index", in: 0...Int(Int32.max)) ?? 0,
                    limit: try arguments.int("limit", in: 1...Self.maximumPayloadBytes) ?? Self.defaultPayloadBytes,
                    offset: try arguments.int("offset", in: 0...Int(Int32.max)) ?? 0)
                let stored = view.stored
                return [
                    "run": ToolJSON.number(stored.run.id), "sequence": ToolJSON.number(stored.sequence),
                    "index": ToolJSON.number(stored.index), "payloads": ToolJSON.number(stored.count),
                    "content_type": .string(stored.info.contentType), "size": ToolJSON.number(stored.info.size),
                    "offset": ToolJSON.number(view.offset), "length": ToolJSON.number(view.length), "trimmed": .bool(view.trimmed),
                    "next_offset": view.trimmed ? ToolJSON.number(view.offset + view.length) : .null, "text": .string(view.text),
                ]
            },
            MCPTool(
                name: "summarize_failures", title: "Summarise failures",
                description: "The failed runs of a period grouped by error (numbers and quoted values blanked, so one cause "
                    + "is one group), largest group first, each with an example message, its flows and failed steps and "
                    + "its newest runs. Give days (e.g. 1 for the last 24 hours) or from/to.",
                inputSchema: ToolSchema.object(ToolSchema.runFilter(withStatus: false, withPaging: false)), readOnly: true
            ) { arguments, caller in
                let (groups, scanned) = try await operations.runs.failures(caller, arguments)
                return ["failed_runs": ToolJSON.number(scanned), "groups": .array(groups.map(ToolJSON.failureGroup))]
            },
            MCPTool(
                name: "search_sync", title: "Search the sync report",
                description: "The sync report (every item sent to a system, with its status and the system's answer), with "
                    + "the filters of `skein sync list`: status, system, flow, search (a sync id, an order number or part of "
                    + "a reference), days (default 5, at most 15) or from/to; counts has every status's total in the window.",
                inputSchema: ToolSchema.object(ToolSchema.syncFilter()), readOnly: true
            ) { arguments, caller in
                let page = try await operations.sync.entries(caller, arguments)
                let counts = try await operations.sync.counts(caller, arguments)
                return [
                    "entries": .array(page.entries.map(ToolJSON.syncEntry)), "next": ToolJSON.text(page.next?.token),
                    "counts": ToolJSON.counts(counts),
                ]
            },
            MCPTool(
                name: "show_sync_entry", title: "Show a sync entry",
                description: "One sync report entry (as `skein sync show`): its fields, status history, every attempt to send "
                    + "it (time, status after it, reason, the system's answer, endpoint id, manual) and the payload sent "
                    + "(its first \(Self.defaultPayloadBytes) bytes as text; read_payload with the entry's run and step reads all of it).",
                inputSchema: ToolSchema.object(
                    [("sync_id", ToolSchema.integer("The entry's sync id (from search_sync).", minimum: 0))], required: ["sync_id"]),
                readOnly: true
            ) { arguments, caller in
                let detail = try await operations.sync.detail(caller, try Self.required(arguments.id("sync_id"), "sync_id"))
                let bytes = detail.payload?.bytes() ?? []
                return [
                    "entry": ToolJSON.syncEntry(detail.entry),
                    "history": .array(detail.transitions.map(ToolJSON.syncTransition)),
                    "attempts": .array(detail.attempts.map(ToolJSON.syncAttempt)),
                    "payload": ToolJSON.text(detail.payload.map { _ in String(decoding: bytes.prefix(Self.defaultPayloadBytes), as: UTF8.self) }),
                    "payload_trimmed": .bool(bytes.count > Self.defaultPayloadBytes),
                ]
            },
        ]
    }

    /// The value of a required argument, or `invalid_field` naming it.
    static func required<T>(_ value: T?, _ name: String) throws(OperationError) -> T {
        guard let value else { throw OperationError.invalid(name, "\(name) is required") }
        return value
    }
}
