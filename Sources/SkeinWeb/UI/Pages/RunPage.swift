import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/runs/{id}`: one run — its facts, every step with timings, counts, errors and warnings, an
/// eye icon per stored payload (opening the payload viewer), "replay from this step" per step,
/// and the recovery panel (`RunRecoveryControls`): replay and retry onto either version.
struct RunPage {
    let ui: UIController
    let identity: Identity

    /// Eye icons listed per step; the viewer pages through the rest.
    static let payloadLinksPerStep = 12

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        guard let id = context.parameters.get("run").flatMap(RunID.init), let run = try await ui.store.run(id: id) else {
            throw APIError(.notFound, "there is no run \(context.parameters.get("run") ?? "")")
        }
        let steps = try await ui.store.steps(runID: run.id)
        let inputs = try await ui.store.payloadInfos(of: .input(of: run.id))
        var outputs: [Int: [PayloadInfo]] = [:]
        for step in steps { outputs[step.sequence] = try await ui.store.payloadInfos(of: StepID(run: run.id, sequence: step.sequence)) }
        let followUps = try await ui.store.runs(RunQuery(originRunID: run.id, limit: 20))
        let canOperate = identity.role >= .operator

        let origin: HTML = run.originRunID.map { "<a href=\"/runs/\($0)\">run \($0)</a>" } ?? "–"
        let controls = RunRecoveryControls(
            ui: ui, identity: identity, run: run, steps: steps,
            latestVersion: try await ui.store.flow(id: run.flowID, version: nil)?.version)
        let facts: HTML = """
            <dl class="facts">
              <dt>Flow</dt><dd><a href="/flows/\(Link.segment(run.flowID))?version=\(run.flowVersion)">\(run.flowID)</a> v\(run.flowVersion) · <a id="run-on-canvas" href="/flows/\(Link.segment(run.flowID))?run=\(run.id)">on the canvas</a></dd>
              <dt>Status</dt><dd id="run-status">\(Format.badge(run.status.rawValue)) \(run.hasWarnings ? Format.badge("warning") : HTML.empty)</dd>
              <dt>Trigger</dt><dd>\(run.trigger.rawValue)</dd><dt>From</dt><dd>\(origin)\(run.entryShapeID.map { " · entered at \($0)" } ?? "")</dd>
              <dt>Queued</dt><dd>\(Format.time(run.queuedAt))</dd><dt>Started</dt><dd>\(Format.time(run.startedAt))</dd>
              <dt>Finished</dt><dd>\(Format.time(run.finishedAt))</dd><dt>Duration</dt><dd>\(Format.duration(from: run.startedAt, to: run.finishedAt))</dd>
              <dt>Input</dt><dd>\(payloadLinks(run: run, sequence: 0, infos: inputs))</dd><dt>Claims</dt><dd>\(run.claims)</dd>
              \(run.traceID.map { "<dt>Trace</dt><dd id=\"trace-id\">\(traceLink($0))</dd>" as HTML } ?? HTML.empty)
            </dl>
            \(run.error.map { "<div class=\"notice error\">Failed\(run.failedShapeID.map { " at step '\($0)'" } ?? ""): \($0)</div>" } ?? HTML.empty)
            \(run.payloadsExpired ? "<div class=\"notice error\">The payloads of this run have expired (retention); its log remains.</div>" as HTML : HTML.empty)
            """
        let rows = HTML.join(
            steps.map { step in
                stepRow(run: run, step: step, outputs: outputs[step.sequence] ?? [], canOperate: canOperate, version: controls.preselected)
            })
        // A run that has not ended keeps the table (empty at first): its page's script fills it from `RunEventStream`.
        let live = run.status == .queued || run.status == .started
        let stepsTable: HTML =
            steps.isEmpty && !live
            ? "<p class=\"muted\">No step has run yet.</p>"
            : """
            <div class="table-box"><table class="grid" id="steps"\(live ? " data-events=\"/runs/\(run.id)/events\"" as HTML : HTML.empty)><thead><tr><th class="num">#</th><th>Step</th><th>Status</th><th>Started (UTC)</th><th class="num">Duration</th>
            <th class="num">Attempts</th><th class="num">In</th><th class="num">Out</th><th>Payloads out</th><th>Errors and warnings</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        let content: HTML = """
            <div class="toolbar"><h1>Run \(run.id)</h1></div>
            \(facts)
            \(controls.render())
            <h2>Steps</h2>
            \(stepsTable)
            \(followUps.isEmpty ? HTML.empty : "<h2>Replays and retries of this run</h2>\(RunsPage.table(followUps, empty: ""))")
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Run \(run.id)", section: .runs, identity: identity, notice: notice, error: error).render(content))
    }

    /// The trace id, linked to the tracing UI when `SKEIN_TRACE_URL` names it (`{trace_id}` is
    /// replaced; the configuration checked it is an http(s) URL with `{trace_id}`).
    func traceLink(_ traceID: String) -> HTML {
        let code: HTML = "<code class=\"mono\">\(traceID)</code>"
        guard let template = ui.settings.traceURL else { return code }
        return "<a href=\"\(template.replacingOccurrences(of: "{trace_id}", with: traceID))\">\(code)</a>"
    }

    /// `version`: the version "Replay from this step" runs (the recovery panel's preselection).
    func stepRow(
        run: RunRecord, step: StepRecord, outputs: [PayloadInfo], canOperate: Bool,
        version: RecoveryOperations.Version = .ran
    ) -> HTML {
        var problems: [HTML] = []
        if let error = step.error { problems.append("<div class=\"error-text\">\(error)</div>") }
        for warning in step.warnings { problems.append("<div class=\"warning-text\">⚠ \(warning)</div>") }
        if !step.calls.isEmpty {
            problems.append(
                "<details><summary>\(step.calls.count) call\(step.calls.count == 1 ? "" : "s")</summary><pre class=\"mono\">\(JSON.array(step.calls).serialized(.pretty))</pre></details>"
            )
        }
        var replay = HTML.empty
        if canOperate && !run.payloadsExpired {
            // The step's input is what the step before it produced (the run's input for the first).
            replay = form(
                "/runs/\(run.id)/replay", button: "Replay from this step",
                fields: [("sequence", String(step.sequence - 1)), ("version", version.rawValue)],
                confirm: "Start a new run at step '\(step.shapeID)' with the input it had in run \(run.id)?", small: true)
        }
        return """
            <tr id="step-\(step.sequence)"><td class="num">\(step.sequence)</td><td><b>\(step.shapeID)</b><div class="muted">\(step.shapeType)</div></td>
            <td class="step-status">\(Format.badge(step.status.rawValue))</td><td>\(Format.time(step.startedAt))</td>
            <td class="num">\(Format.duration(from: step.startedAt, to: step.finishedAt))</td><td class="num">\(step.attempts)</td>
            <td class="num"><span class="step-in">\(step.inputCount)</span><div class="muted">\(Format.bytes(step.inputBytes))</div></td>
            <td class="num"><span class="step-out">\(step.outputCount)</span><div class="muted">\(Format.bytes(step.outputBytes))</div></td>
            <td>\(payloadLinks(run: run, sequence: step.sequence, infos: outputs))</td>
            <td class="wrap">\(problems)</td><td>\(replay)</td></tr>
            """
    }

    /// An eye icon per stored payload (up to a dozen), each opening the payload viewer.
    func payloadLinks(run: RunRecord, sequence: Int, infos: [PayloadInfo]) -> HTML {
        guard !infos.isEmpty else { return "<span class=\"muted\">none</span>" }
        var links = infos.prefix(Self.payloadLinksPerStep).map { info -> HTML in
            """
            <a class="eye" href="/runs/\(run.id)/payloads/\(sequence)/\(info.index)" title="View payload \(info.index) (\(info.contentType), \(Format.bytes(info.size)))" aria-label="View payload \(info.index) of step \(sequence)">\(Self.eyeIcon)\(info.index)</a>
            """
        }
        if infos.count > Self.payloadLinksPerStep {
            links.append("<a class=\"more\" href=\"/runs/\(run.id)/steps/\(sequence)/payloads\">all \(infos.count) / find</a>")
        }
        return HTML.join(links)
    }

    static let eyeIcon = HTML(
        trusted:
            #"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8z"/><circle cx="12" cy="12" r="3"/></svg>"#
    )

    /// A button of this run's page (`/runs/{id}/…`), which comes back here when the action fails.
    func form(_ action: String, button: String, fields: [(String, String)] = [], confirm: String? = nil, small: Bool = false) -> HTML {
        let back = action.split(separator: "/").prefix(2).joined(separator: "/")
        return ActionForm(
            action: action, back: "/" + back, label: button, fields: fields, confirm: confirm,
            style: small ? "small secondary" : ""
        ).render(csrf: identity.csrfToken, once: ui.operations.actionTokens.issue())
    }
}
