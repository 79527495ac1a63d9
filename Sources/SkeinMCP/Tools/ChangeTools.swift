import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations

/// The tools that change something — replay, retry, resync — for operators. Each answers a
/// preview (what would happen) unless called with `confirm: true`; the preview already needs
/// the operator role, so a viewer is refused at once with the operation's permission error.
extension MCPToolbox {
    var changeTools: [MCPTool] {
        [
            MCPTool(
                name: "replay_run", title: "Replay a run's payloads",
                description: "Operator. Starts a new run with the stored payloads of a step of a run (or its input), entering "
                    + "the flow at the step after it (at: next) or at that step again (at: same), on the version the run ran "
                    + "or the latest (version: latest, after a fix was deployed). Without confirm: true it only answers what "
                    + "would run. The new run is queued for skein serve's workers.",
                inputSchema: ToolSchema.object(
                    [
                        ToolSchema.run,
                        ("step", ToolSchema.string("Whose payloads: a shape id, a step number, or 'input'.")),
                        ("index", ToolSchema.integer("Only this payload of the step (from 0); default all.", minimum: 0)),
                        ("item", ToolSchema.integer("Only this item (from 0) of an array payload.", minimum: 0)),
                        ("where", ToolSchema.string("Only the items of an array payload for which this JSONata condition holds.")),
                        (
                            "at",
                            ToolSchema.string(
                                "Enter at the step after (next, default) or the step itself (same).",
                                choices: RunRecovery.Entry.allCases.map(\.rawValue))
                        ),
                        (
                            "version",
                            ToolSchema.string(
                                "The flow version: the one the run ran (default) or the latest.",
                                choices: RecoveryOperations.Version.allCases.map(\.rawValue))
                        ),
                        ToolSchema.confirm,
                    ], required: ["run", "step"]), readOnly: false
            ) { arguments, caller in
                let request = try RecoveryOperations.Replay.parse(run: try Self.required(arguments.id("run"), "run"), arguments)
                guard try arguments.bool("confirm") == true else {
                    return Self.preview(["would_start": ToolJSON.plan(try await operations.recovery.previewReplay(caller, request))])
                }
                return ["started": ToolJSON.run(try await operations.recovery.replay(caller, request, launcher: launcher))]
            },
            MCPTool(
                name: "retry_run", title: "Retry a failed run",
                description: "Operator. Runs a failed or stopped run again from its failed step with the inputs that step had "
                    + "(from: failed_step, default) or from the start with the run's input (from: start). Without "
                    + "confirm: true it only answers what would run. The new run is queued for skein serve's workers.",
                inputSchema: ToolSchema.object(
                    [
                        ToolSchema.run,
                        ("from", ToolSchema.string("Where the new run starts.", choices: RecoveryOperations.RetryStart.allCases.map(\.rawValue))),
                        (
                            "version",
                            ToolSchema.string(
                                "The flow version: the one the run ran (default) or the latest.",
                                choices: RecoveryOperations.Version.allCases.map(\.rawValue))
                        ),
                        ToolSchema.confirm,
                    ], required: ["run"]), readOnly: false
            ) { arguments, caller in
                let run: RunID = try Self.required(arguments.id("run"), "run")
                let start = try RecoveryOperations.RetryStart.parse(arguments)
                let version = try RecoveryOperations.Version.parse(arguments)
                guard try arguments.bool("confirm") == true else {
                    let plan = try await operations.recovery.previewRetry(caller, run: run, from: start, version: version)
                    return Self.preview(["would_start": ToolJSON.plan(plan)])
                }
                return [
                    "started": ToolJSON.run(
                        try await operations.recovery.retry(
                            caller, run: run, from: start, version: version,
                            launcher: launcher))
                ]
            },
            MCPTool(
                name: "resync", title: "Send sync entries again",
                description: "Operator. Sends sync report entries again through the same step and instance: chosen sync ids, "
                    + "or every entry the filters match (as search_sync). OK entries (the system accepted them) are left out "
                    + "unless include_ok is true. Without confirm: true it only answers how many would be sent, by status. "
                    + "At most \(SyncOperations.maximumResync) entries per call.",
                inputSchema: ToolSchema.object(
                    [("ids", ToolSchema.strings("Sync ids to send again (instead of filters)."))]
                        + ToolSchema.syncFilter(withPaging: false)
                        + [
                            (
                                "include_ok",
                                ToolSchema.boolean(
                                    "Also send entries that are OK (delivers them twice "
                                        + "unless the system de-duplicates).", defaultValue: false)
                            ),
                            ToolSchema.confirm,
                        ]), readOnly: false
            ) { arguments, caller in
                let selection = try SyncOperations.Selection.parse(arguments)
                let includeOK = try arguments.bool("include_ok") ?? false
                guard try arguments.bool("confirm") == true else {
                    try Permission.operate.require(caller)
                    let preview = try await operations.sync.previewResync(caller, selection, includeOK: includeOK)
                    return Self.preview([
                        "by_status": ToolJSON.counts(preview.byStatus),
                        "would_send": ToolJSON.number(min(preview.toResend, SyncOperations.maximumResync)),
                    ])
                }
                let outcome = try await operations.sync.resync(caller, selection, includeOK: includeOK)
                return [
                    "sent": ToolJSON.number(outcome.count), "by_status": ToolJSON.counts(outcome.tally),
                    "entries": .array(outcome.entries.prefix(100).map(ToolJSON.syncEntry)),
                ]
            },
        ]
    }

    /// A preview's answer: what would happen, and how to make it happen.
    static func preview(_ facts: JSON.Object) -> JSON {
        var object = facts
        object["preview"] = true
        object["to_do_it"] = "call again with the same arguments and confirm: true"
        return .object(object)
    }
}
