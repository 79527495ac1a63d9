import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// What the UI's buttons do. Each calls the library code the CLI calls — `RunRecovery` for
/// replay and retry, `ManualRun` for "initialise", `SyncResender` for resync, the store for
/// enable/disable and deploy — and returns to a page that shows the outcome. Runs are queued
/// for `skein serve`'s workers, so a button never waits for a run to finish.
struct UIActions: Sendable {
    let ui: UIController

    var store: any UIController.Store { ui.store }

    func setEnabled(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let flowID = try await existingFlow(context).flowID
        let enabled = form["enabled"] == "true"
        try await store.setEnabled(flowID: flowID, enabled: enabled)
        try await audit(identity, enabled ? "flow.enable" : "flow.disable", target: "flow:\(flowID)")
        return back(to: "/flows/\(Link.segment(flowID))", notice: "Flow '\(flowID)' is \(enabled ? "enabled" : "disabled").")
    }

    /// Deploys a new version with one shape's `skip` changed (deployed versions never change).
    func setSkip(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let flow = try await existingFlow(context)
        guard let shapeID = form["shape"], let skip = form["skip"].map({ $0 == "true" }) else {
            throw APIError(.invalidBody, "shape and skip are required")
        }
        let source = try FlowSkipEdit.source(flow.source, settingSkip: skip, onShape: shapeID)
        let definition = try FlowFile.decode(source, source: "flow '\(flow.flowID)'", catalog: ui.services.catalog)
        let (deployed, isNew) = try await store.deploy(definition, source: source, now: ui.settings.now())
        if isNew {
            try await audit(identity, skip ? "flow.skip" : "flow.unskip", target: "flow:\(flow.flowID)",
                            details: ["shape": .string(shapeID), "skip": .bool(skip), "version": .number(Double(deployed.version))])
        }
        let what = skip ? "skipped" : "no longer skipped"
        return back(to: "/flows/\(Link.segment(flow.flowID))",
                    notice: isNew ? "Deployed v\(deployed.version): '\(shapeID)' is \(what)." : "'\(shapeID)' was already \(what).")
    }

    /// "Initialise flow with data": a manual run with the pasted payload, from the chosen step.
    func initialise(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let flow = try await existingFlow(context)
        var input: [Payload] = []
        let text = form["payload"] ?? ""
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let type = form["content_type"].flatMap { $0.isEmpty ? nil : $0 } ?? Payload.jsonContentType
            do { input = [try Payload.received(Array(text.utf8), contentType: type)] } catch {
                throw APIError(.invalidBody, "the payload is not valid JSON: \(error)")
            }
        }
        let fromStep = form["from_step"].flatMap { $0.isEmpty ? nil : $0 }
        let newRun = try await ManualRun.plan(store: store, flowID: flow.flowID, fromStep: fromStep, input: input)
        return try await queue(newRun, identity: identity, what: "initialised", action: "flow.run", target: "flow:\(flow.flowID)",
                               details: ["step": fromStep.map(JSON.string) ?? .null])
    }

    func retry(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        let newRun = try await RunRecovery(store: store).retry(runID: runID)
        return try await queue(newRun, identity: identity, what: "retry of run \(runID)", action: "run.retry", target: "run:\(runID)")
    }

    /// Replays the payloads of step `sequence` (0: the run's input) — all, or one `index` —
    /// into the step after it.
    func replay(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let runID = try self.runID(context)
        guard let sequence = form["sequence"].flatMap(Int.init), sequence >= 0 else { throw APIError(.invalidBody, "sequence: a step number is required") }
        let index = form["index"].flatMap(Int.init)
        let request = RunRecovery.Replay(runID: runID, sequence: sequence, index: index, entry: .next)
        let newRun = try await RunRecovery(store: store).replay(request)
        return try await queue(newRun, identity: identity, what: "replay of run \(runID)", action: "run.replay", target: "run:\(runID)",
                               details: ["sequence": .number(Double(sequence)), "index": index.map { .number(Double($0)) } ?? .null])
    }

    /// Resyncs the checked entries (`scope=selected`, one `id` field each) or every entry
    /// matching the report's filters (`scope=matching`).
    func resync(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        guard let resender = ui.services.resender else { throw APIError(.misconfigured, "resync is not available on this server") }
        let filters = SyncFilters { form[$0] }
        let back = RedirectTarget.localPath(form["_back"]) ?? filters.link.description
        var tally: [SyncStatus: Int] = [:]
        var resent: [SyncEntryID] = []
        if form["scope"] == "matching" {
            try filters.check()
            try await resender.resendAll(matching: filters.query(now: ui.settings.now())) { tally[$0.status, default: 0] += 1; resent.append($0.id) }
        } else {
            let ids = form.all("id").compactMap(SyncEntryID.init)
            guard !ids.isEmpty else { throw APIError(.invalidBody, "select at least one entry to resync") }
            for id in ids {
                tally[try await resender.resend(id: id, manual: true).status, default: 0] += 1
                resent.append(id)
            }
        }
        let total = tally.values.reduce(0, +)
        if total > 0 {
            try await audit(identity, "sync.resync", target: total == 1 ? "sync:\(resent[0])" : "sync:\(total) entries",
                            details: ["ids": .array(resent.prefix(1000).map { .number(Double($0.rawValue)) }), "scope": .string(form["scope"] ?? "selected")])
        }
        let outcome = SyncStatus.allCases.compactMap { status in tally[status].map { "\($0) \(status.rawValue.uppercased())" } }.joined(separator: ", ")
        return self.back(to: back, notice: total == 0 ? "No entries matched; nothing was resent." : "Resynced \(total): \(outcome).")
    }

    // MARK: - Helpers

    /// Queues `newRun` for the workers and records who started it in the audit log.
    func queue(_ newRun: NewRun, identity: Identity, what: String, action: String, target: String, details: JSON.Object = [:]) async throws -> Response {
        let record = try await store.enqueue(newRun, now: ui.settings.now())
        var details = details
        details["new_run"] = .number(Double(record.id.rawValue))
        try await audit(identity, action, target: target, details: .object(details))
        let entry = record.entryShapeID.map { ", entering at '\($0)'" } ?? ""
        return back(to: "/runs/\(record.id)", notice: "Queued run \(record.id) (\(what))\(entry).")
    }

    /// The audit log entry of an action (the same action names as the API's).
    func audit(_ identity: Identity, _ action: String, target: String, details: JSON? = nil) async throws {
        try await ui.services.access.audit(identity, action, target: target, details: details)
    }

    func existingFlow(_ context: SkeinRequestContext) async throws -> DeployedFlow {
        let flowID = context.parameters.get("flow") ?? ""
        guard let flow = try await store.flow(id: flowID, version: nil) else { throw APIError(.notFound, "there is no flow '\(flowID)'") }
        return flow
    }

    func runID(_ context: SkeinRequestContext) throws -> RunID {
        guard let id = context.parameters.get("run").flatMap(RunID.init) else { throw APIError(.notFound, "no such run") }
        return id
    }

    func back(to path: String, notice: String) -> Response {
        UIController.redirect(to: Link(path).setting("notice", notice).setting("error", nil).description)
    }
}
