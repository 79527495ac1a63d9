import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// What the UI's buttons do. Each calls the operation the CLI, the API and the MCP server call
/// — `flows.setEnabled`/`setSkip`/`run`, `recovery.retry`/`replay`, `sync.resync` — and returns
/// to a page that shows the outcome. Runs are queued for `skein serve`'s workers, so a button
/// never waits for a run to finish.
struct UIActions: Sendable {
    let ui: UIController

    var operations: Operations { ui.operations }

    func setEnabled(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let enabled = form["enabled"] == "true"
        let flow = try await operations.flows.setEnabled(identity, flowID(context), enabled: enabled)
        return back(to: "/flows/\(Link.segment(flow.flowID))", notice: "Flow '\(flow.flowID)' is \(enabled ? "enabled" : "disabled").")
    }

    /// Deploys a new version with one shape's `skip` changed (deployed versions never change).
    func setSkip(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        guard let shapeID = form["shape"], let skip = form["skip"].map({ $0 == "true" }) else {
            throw APIError(.invalidBody, "shape and skip are required")
        }
        let (deployed, isNew) = try await operations.flows.setSkip(identity, flowID(context), shape: shapeID, skip: skip)
        let what = skip ? "skipped" : "no longer skipped"
        return back(
            to: "/flows/\(Link.segment(deployed.flowID))",
            notice: isNew ? "Deployed v\(deployed.version): '\(shapeID)' is \(what)." : "'\(shapeID)' was already \(what).")
    }

    /// "Initialise flow with data": a manual run with the pasted payload, from the chosen step.
    func initialise(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        var input: [Payload] = []
        let text = form["payload"] ?? ""
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let type = form["content_type"].flatMap { $0.isEmpty ? nil : $0 } ?? Payload.jsonContentType
            do { input = [try Payload.received(Array(text.utf8), contentType: type)] } catch {
                throw APIError(.invalidBody, "the payload is not valid JSON: \(error)")
            }
        }
        let fromStep = form["from_step"].flatMap { $0.isEmpty ? nil : $0 }
        let record = try await operations.flows.run(
            identity, flowID(context), fromStep: fromStep, input: input, trigger: .manual,
            launcher: operations.queue)
        return queued(record, what: "initialised")
    }

    /// Retries a failed or stopped run from its failed step or from the start (`from`), on the
    /// version that ran or the latest (`version`): read by the operations' parsers, as the API's.
    func retry(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        let parameters = Inputs(pairs: form.pairs.filter { ["from", "version"].contains($0.0) })
        let (start, version) = (try RecoveryOperations.RetryStart.parse(parameters), try RecoveryOperations.Version.parse(parameters))
        try await operations.actionTokens.use(identity, form[ActionTokens.field])
        let record = try await operations.recovery.retry(identity, run: runID, from: start, version: version, launcher: operations.queue)
        return queued(record, what: "retry of run \(runID)\(start == .start ? " from the start" : "")\(version == .latest ? " on the latest version" : "")")
    }

    /// Retries every failed run of the run logs' filters not yet retried or replayed (the
    /// confirmation of `BulkRetryPage`), on the version each ran or the latest.
    func bulkRetry(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let filters = Inputs(pairs: form.pairs.filter { BulkRetryPage.filterNames.contains($0.0) && !$0.1.isEmpty })
        let version = try RecoveryOperations.Version.parse(Inputs(pairs: form.pairs.filter { $0.0 == "version" }))
        _ = try await operations.recovery.previewRetry(identity, filters)  // a bad filter is refused before the token is used
        try await operations.actionTokens.use(identity, form[ActionTokens.field])
        let items = try await operations.recovery.bulkRetry(identity, filters, version: version, launcher: operations.queue)
        let started = items.compactMap { try? $0.result.get().id }
        let refused = items.count - started.count
        let back = RedirectTarget.localPath(form["_back"]) ?? "/runs?status=failure"
        let list = started.prefix(20).map { "\($0)" }.joined(separator: ", ") + (started.count > 20 ? ", …" : "")
        return self.back(
            to: back,
            notice: started.isEmpty && refused == 0
                ? "No failed run was waiting for a retry; nothing was started."
                : "Retried \(started.count) failed run\(started.count == 1 ? "" : "s")\(started.isEmpty ? "" : " (new runs \(list))")"
                    + (refused == 0 ? "." : "; \(refused) could not be retried (their payloads expired or they were retried meanwhile)."))
    }

    /// Replays the payloads of step `sequence` (0: the run's input) — all, or one `index` —
    /// into the step after it. The field is handed to the operations' parser as the API's
    /// `step`, unread here, so a bad one is refused in the API's words.
    func replay(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        var parameters = Inputs(pairs: form.pairs.filter { ["index", "at", "version"].contains($0.0) })
        parameters.set("step", form["sequence"])
        let request = try RecoveryOperations.Replay.parse(run: runID, parameters)
        try await operations.actionTokens.use(identity, form[ActionTokens.field])
        let record = try await operations.recovery.replay(identity, request, launcher: operations.queue)
        return queued(record, what: "replay of run \(runID)\(request.version == .latest ? " on the latest version" : "")")
    }

    /// Resyncs the checked entries (`scope=selected`, one `id` field each) or every entry
    /// matching the report's filters (`scope=matching`). Without `confirmed=yes` nothing is
    /// sent: the answer is the confirmation (`ResyncConfirmPage`), whose form comes back here
    /// with `confirmed`, a one-time action token and `include_ok` when OK entries are ticked.
    func resync(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let filters = try SyncFilters(Inputs(pairs: form.pairs), now: ui.settings.now())
        let back = RedirectTarget.localPath(form["_back"]) ?? filters.link.description
        let selection: SyncOperations.Selection
        if form["scope"] == "matching" {
            selection = .matching(filters.operationParameters)
        } else {
            let ids = form.all("id")
            guard !ids.isEmpty else { throw APIError(.invalidBody, "select at least one entry to resync") }
            var parameters = Inputs()
            parameters["ids"] = ids
            selection = try SyncOperations.Selection.parse(parameters)  // a bad id is refused, not dropped
        }
        guard form["confirmed"] == "yes" else {
            try Permission.operate.require(identity)
            let carried = form.pairs.filter { ["scope", "id"].contains($0.0) || SyncFilter.names.contains($0.0) }
            return try await ResyncConfirmPage(ui: ui, identity: identity).response(selection, carried: carried, back: back)
        }
        try await operations.actionTokens.use(identity, form[ActionTokens.field])
        let includeOK = form["include_ok"] == "yes"
        let chosen = includeOK ? selection : try await operations.sync.leavingOutOK(identity, selection)
        if case .ids(let ids) = chosen, ids.isEmpty {
            return self.back(to: back, notice: "Nothing was resent: the chosen entries are OK, and sending OK entries again was not ticked.")
        }
        let outcome = try await operations.sync.resync(identity, chosen, includeOK: includeOK)
        let tally = SyncStatus.allCases.compactMap { status in outcome.tally[status].map { "\($0) \(status.rawValue.uppercased())" } }.joined(separator: ", ")
        return self.back(to: back, notice: outcome.count == 0 ? "No entries matched; nothing was resent." : "Resynced \(outcome.count): \(tally).")
    }

    // MARK: - Helpers

    /// The page of the run an action queued.
    func queued(_ record: RunRecord, what: String) -> Response {
        let entry = record.entryShapeID.map { ", entering at '\($0)'" } ?? ""
        return back(to: "/runs/\(record.id)", notice: "Queued run \(record.id) (\(what))\(entry).")
    }

    func flowID(_ context: SkeinRequestContext) -> String { context.parameters.get("flow") ?? "" }

    func runID(_ context: SkeinRequestContext) throws -> RunID {
        guard let id = context.parameters.get("run").flatMap(RunID.init) else { throw APIError(.notFound, "no such run") }
        return id
    }

    func back(to path: String, notice: String) -> Response {
        UIController.redirect(to: Link(path).setting("notice", notice).setting("error", nil).description)
    }
}
