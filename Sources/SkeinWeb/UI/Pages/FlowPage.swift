import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/flows/{id}` (`?version=N` for an older version, `?run=N` for a run's status on the canvas):
/// the flow drawn as a graph (`FlowCanvas`), the shapes in order with their skip toggles, enable/disable, the versions, the "initialise flow with data" dialog, a playground
/// link for map and filter shapes, and the flow's latest runs.
struct FlowPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let flowID = context.parameters.get("flow") ?? ""
        var asked = request.uri.queryParameters.get("version").flatMap(Int.init)
        // A run is drawn on the version it ran.
        var shownRun: RunRecord?
        if let runID = request.uri.queryParameters.get("run").flatMap(RunID.init) {
            guard let run = try await ui.store.run(id: runID), run.flowID == flowID else {
                throw APIError(.notFound, "flow '\(flowID)' has no run \(runID)")
            }
            shownRun = run
            asked = run.flowVersion
        }
        guard let latest = try await ui.store.flow(id: flowID, version: nil) else {
            if identity.role >= .builder, let draft = try await ui.store.draft(of: flowID) { return try await draftOnly(draft, request: request) }
            throw APIError(.notFound, "there is no flow '\(flowID)'")
        }
        guard let shown = asked == nil ? latest : try await ui.store.flow(id: flowID, version: asked) else {
            throw APIError(.notFound, "flow '\(flowID)' has no version \(asked ?? 0)")
        }
        var runSteps: [StepRecord] = []
        if let shownRun { runSteps = try await ui.store.steps(runID: shownRun.id) }
        // Builders edit the draft (or, without one, the latest version) on the canvas.
        let editable = identity.role >= .builder && asked == nil && shownRun == nil
        let draft = editable ? try await ui.store.draft(of: flowID) : nil
        var canvasDefinition = shown.definition
        var draftProblems: [FlowProblem] = []
        if let draft {
            do { canvasDefinition = try FlowFile.decode(draft.source, catalog: ui.services.catalog) } catch { draftProblems = error.problems }
        }
        let canvas = FlowCanvas(
            definition: canvasDefinition, run: shownRun?.id, steps: runSteps,
            editable: editable && draftProblems.isEmpty, role: identity.role)
        let editor = FlowCanvasEditor(
            flowID: flowID, draft: draft, draftProblems: draftProblems, latestVersion: latest.version,
            editable: editable)
        let versions = try await ui.store.versions(of: flowID)
        let runs = try await ui.store.runs(RunQuery(flowID: flowID, limit: 10))
        let isLatest = shown.version == latest.version
        let back = "/flows/\(Link.segment(flowID))"
        let csrf = identity.csrfToken

        var actions: [HTML] = ["<a class=\"button secondary\" id=\"open-text\" href=\"\(back)/text\">Text view</a>"]
        if identity.role >= .builder {
            actions.append(
                ActionForm(
                    action: "\(back)/enabled", back: back, label: latest.enabled ? "Disable" : "Enable",
                    fields: [("enabled", latest.enabled ? "false" : "true")], style: "secondary"
                ).render(csrf: csrf))
        }
        if identity.role >= .operator && isLatest {
            actions.append("<button type=\"button\" data-open=\"initialise-dialog\" id=\"open-initialise\">Initialise flow with data…</button>")
        }
        let shapes = HTML.join(
            shown.definition.shapes.enumerated().map { index, shape in
                shapeItem(index: index, shape: shape, flowID: flowID, editable: isLatest && identity.role >= .builder, back: back)
            })
        // Who deployed each version: the audit log's deploys and rollbacks of this flow (the latest 1000 flow entries).
        let audit = try await ui.store.auditEntries(AuditQuery(action: "flow.", limit: 1000)).filter { $0.target == "flow:\(flowID)" }
        var deployers: [Int: AuditEntry] = [:]
        for entry in audit.reversed() {
            if let version = entry.details["version"]?.numberValue, entry.action == "flow.deploy" || entry.action == "flow.rollback" {
                deployers[Int(version)] = entry
            }
        }
        let versionRows = HTML.join(
            versions.reversed().map { version in
                let entry = deployers[version.version]
                let how: HTML = entry.map { $0.action == "flow.rollback" ? " (rollback to v\(Int($0.details["from_version"]?.numberValue ?? 0)))" : "" } ?? ""
                var controls: [HTML] = []
                if version.version > 1 {
                    controls.append(
                        "<a class=\"button small secondary\" href=\"\(back)/diff?from=\(version.version - 1)&to=\(version.version)\">Diff with v\(version.version - 1)</a>"
                    )
                }
                if identity.role >= .builder && version.version != latest.version {
                    controls.append(
                        "<button type=\"button\" class=\"small secondary\" data-rollback=\"\(version.version)\" id=\"rollback-\(version.version)\">Roll back to v\(version.version)</button>"
                    )
                }
                return """
                    <tr id="version-\(version.version)"><td class="num"><a href="\(back)?version=\(version.version)">v\(version.version)</a></td><td>\(version.definition.name)</td>
                    <td>\(Format.time(version.deployedAt))</td><td class="deployer">\(entry?.actor ?? "–")\(how)</td><td class="num">\(version.definition.shapes.count)</td>
                    <td>\(version.version == latest.version ? Format.badge("latest") : HTML.empty)\(version.version == shown.version ? " (shown)" : "")</td><td>\(controls)</td></tr>
                    """
            })
        let options = HTML.join(versions.reversed().map { "<option value=\"\($0.version)\">v\($0.version)</option>" })
        let compare: HTML = """
            <form method="get" action="\(back)/diff" class="toolbar" id="compare-form"><label for="diff-from">Compare</label><select id="diff-from" name="from">\(options)</select>
            <label for="diff-to">with</label><select id="diff-to" name="to"><option value="">the draft (or the latest)</option>\(options)</select><button type="submit" class="secondary small">Diff</button></form>
            """
        let content: HTML = """
            <p class="muted"><a href="/flows">Flows</a></p>
            <div class="toolbar"><h1>\(shown.definition.name)</h1>\(Format.badge(latest.enabled ? "enabled" : "disabled"))<span class="spacer"></span>\(actions)</div>
            <dl class="facts">
              <dt>Flow id</dt><dd class="mono">\(flowID)</dd><dt>Version</dt><dd>v\(shown.version)\(isLatest ? " (latest)" : " — an older version; the latest is v\(latest.version)")</dd>
              <dt>Trigger</dt><dd>\(FlowsPage.trigger(shown.definition.trigger))</dd><dt>Priority</dt><dd>\(shown.definition.priority)</dd>
              <dt>Deployed</dt><dd>\(Format.time(shown.deployedAt))</dd><dt>Sync retries</dt><dd>\(shown.definition.syncRetries)</dd>
            </dl>
            \(shown.definition.description.map { "<p>\($0)</p>" } ?? HTML.empty)
            <h2>Canvas\(draft == nil ? "" : " (draft)")</h2>
            \(editor.bar())
            \(canvas.render())
            \(editor.drawer())
            <h2>Shapes, in order</h2>
            <p class="muted">A skipped shape passes its input through unchanged. Toggling skip deploys a new version of the flow.</p>
            <ol class="shapes" id="shapes">\(shapes)</ol>
            <details><summary>Flow file of v\(shown.version)</summary><pre class="payload">\(FlowSourceView.text(of: shown, for: identity.role))</pre></details>
            <h2>Versions</h2>
            <div class="table-scroll"><table class="grid" id="versions"><thead><tr><th class="num">Version</th><th>Name</th><th>Deployed (UTC)</th><th>By</th><th class="num">Shapes</th><th></th><th></th></tr></thead><tbody>\(versionRows)</tbody></table></div>
            \(compare)
            <p class="error-text" role="alert" id="rollback-error" hidden></p>
            <h2>Latest runs</h2>
            \(RunsPage.table(runs, empty: "This flow has not run yet."))
            <p><a href="\(Link("/runs", [("flow", flowID)]).description)">All runs of this flow →</a></p>
            \(initialiseDialog(shown, back: back))
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: shown.definition.name, section: .flows, identity: identity, notice: notice, error: error).render(content))
    }

    func shapeItem(index: Int, shape: ShapeDefinition, flowID: String, editable: Bool, back: String) -> HTML {
        var controls: [HTML] = []
        if let expression = Self.expression(of: shape) {
            let link = Link("/playground", [("expr", expression), ("flow", flowID), ("shape", shape.id)])
            controls.append("<a class=\"button small secondary\" href=\"\(link.description)\">Try in playground</a>")
        }
        if editable {
            controls.append(
                ActionForm(
                    action: "\(back)/skip", back: back, label: shape.skip ? "Unskip" : "Skip",
                    fields: [("shape", shape.id), ("skip", shape.skip ? "false" : "true")],
                    confirm: "\(shape.skip ? "Stop skipping" : "Skip") '\(shape.id)'? This deploys a new version of the flow.",
                    style: "small secondary"
                ).render(csrf: identity.csrfToken))
        }
        return """
            <li class="\(shape.skip ? "skipped" : "")" id="shape-\(shape.id)"><span class="index">\(index + 1)</span>
            <div class="what"><b>\(shape.name ?? shape.id)</b> \(shape.skip ? Format.badge("skipped") : HTML.empty)<div class="type">\(shape.type) · <span class="mono">\(shape.id)</span></div></div>
            \(controls)</li>
            """
    }

    /// The JSONata a map or filter shape evaluates, for the playground: a filter's `condition`,
    /// a map's `transform`, or its `fields` as one object constructor.
    static func expression(of shape: ShapeDefinition) -> String? {
        let settings = shape.settings
        switch shape.type {
        case "filter": return settings["condition"]?.stringValue
        case "map":
            if let transform = settings["transform"]?.stringValue { return transform }
            guard let fields = settings["fields"]?.objectValue, !fields.isEmpty else { return nil }
            let members = fields.compactMap { target, rule -> String? in
                guard let expression = rule.stringValue ?? rule["expr"]?.stringValue else { return nil }
                return "  \(JSON.string(target).serialized()): \(expression)"
            }
            return "{\n" + members.joined(separator: ",\n") + "\n}"
        default: return nil
        }
    }

    /// The "initialise flow with data" dialog: a payload, a start step, run.
    func initialiseDialog(_ flow: DeployedFlow, back: String) -> HTML {
        guard identity.role >= .operator else { return .empty }
        let steps = HTML.join(flow.definition.allShapes.map { "<option value=\"\($0.id)\">\($0.id) (\($0.type))</option>" })
        return """
            <dialog id="initialise-dialog">
              <form method="post" action="\(back)/initialise">
                \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: back))
                <h2>Initialise \(flow.flowID) with data</h2>
                <p class="muted">Starts a run of v\(flow.version) now. Leave the payload empty to run without one.</p>
                <label for="init-payload">Payload</label>
                <textarea id="init-payload" name="payload" rows="12" placeholder='{"orders": [{"id": 1001}]}'></textarea>
                <label for="init-type">Content type</label>
                <input id="init-type" name="content_type" value="application/json">
                <label for="init-step">Start at step</label>
                <select id="init-step" name="from_step"><option value="">the first step</option>\(steps)</select>
                <div class="toolbar"><span class="spacer"></span><button type="button" class="secondary" data-close>Cancel</button><button type="submit" id="initialise-run">Run</button></div>
              </form>
            </dialog>
            """
    }
}
