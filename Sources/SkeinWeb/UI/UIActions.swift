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
        return back(to: "/flows/\(Link.segment(deployed.flowID))",
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
        let record = try await operations.flows.run(identity, flowID(context), fromStep: fromStep, input: input, trigger: .manual,
                                                    launcher: operations.queue)
        return queued(record, what: "initialised")
    }

    func retry(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        let record = try await operations.recovery.retry(identity, run: runID, launcher: operations.queue)
        return queued(record, what: "retry of run \(runID)")
    }

    /// Replays the payloads of step `sequence` (0: the run's input) — all, or one `index` —
    /// into the step after it. The field is handed to the operations' parser as the API's
    /// `step`, unread here, so a bad one is refused in the API's words.
    func replay(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        var parameters = Inputs(pairs: form.pairs.filter { ["index", "at", "version"].contains($0.0) })
        parameters.set("step", form["sequence"])
        let record = try await operations.recovery.replay(identity, try RecoveryOperations.Replay.parse(run: runID, parameters),
                                                          launcher: operations.queue)
        return queued(record, what: "replay of run \(runID)")
    }

    /// Resyncs the checked entries (`scope=selected`, one `id` field each) or every entry
    /// matching the report's filters (`scope=matching`).
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
        let outcome = try await operations.sync.resync(identity, selection)
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
