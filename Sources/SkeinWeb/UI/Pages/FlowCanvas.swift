import SkeinCore
import SkeinJSON

/// The flow drawn as a graph on the flow page: the trigger, then each sequence top to bottom;
/// a `route`, `branch` or `try` holds its lanes side by side (a route's `otherwise`, a try's
/// `catch`), nested as deep as the flow goes. Each shape shows its type, name, id and skip state;
/// with a run (`?run=N`) also that run's status and payload counts for it (in → out; summed when
/// a shape ran as several steps, the worst status shown).
///
/// Pure rendering: the page reads the flow and the run's steps; the boxes carry `data-shape`
/// for the page script.
struct FlowCanvas {
    let definition: FlowDefinition
    /// The chosen run's steps by shape id (empty without a run).
    let steps: [String: [StepRecord]]
    let runID: RunID?
    /// Builders' canvas: the boxes open an editable settings drawer (`CanvasScript`).
    let editable: Bool
    /// Who looks: a viewer's drawer never shows a webhook token.
    let role: Role

    init(definition: FlowDefinition, run: RunID? = nil, steps: [StepRecord] = [], editable: Bool = false, role: Role = .viewer) {
        self.definition = definition
        self.runID = run
        self.editable = editable
        self.role = role
        self.steps = Dictionary(grouping: steps, by: \.shapeID)
    }

    func render() -> HTML {
        let legend: HTML =
            runID.map { "<p class=\"muted\" id=\"canvas-run\">Status and payload counts (in → out) of run <a href=\"/runs/\($0)\">\($0)</a>.</p>" }
            ?? HTML.empty
        return """
            \(legend)<div class="canvas" id="canvas" data-flow="\(definition.id)" data-editable="\(editable ? "true" : "false")">\(trigger())
            \(sequence(definition.shapes, lane: "shapes"))</div>
            """
    }

    /// The trigger box: clicking it opens the trigger form (`CanvasScript`). Its data carry the
    /// kind, a schedule's cron and a webhook's settings — the token only for operators and up,
    /// as the flow file shows it.
    func trigger() -> HTML {
        var cron = "", token = "", hmac = ""
        switch definition.trigger {
        case .schedule(let schedule): cron = schedule.description
        case .webhook(let webhook):
            token = role >= .operator ? webhook.token : ""
            hmac = webhook.hmacSecretEnvironmentVariable ?? ""
        case .manual, .api: break
        }
        return """
            <div class="canvas-trigger" id="canvas-trigger" data-kind="\(definition.trigger.kind)" data-cron="\(cron)" data-token="\(token)" data-hmac="\(hmac)" tabindex="0" role="button"><span class="canvas-type">trigger</span> <b>\(FlowsPage.trigger(definition.trigger))</b></div>
            """
    }

    /// One sequence, top to bottom (`data-lane` names it as edits name lanes).
    func sequence(_ shapes: [ShapeDefinition], lane: String) -> HTML {
        guard !shapes.isEmpty else { return "<ol class=\"canvas-seq\" data-lane=\"\(lane)\"><li class=\"canvas-empty muted\">empty</li></ol>" }
        return "<ol class=\"canvas-seq\" data-lane=\"\(lane)\">\(HTML.join(shapes.map(node)))</ol>"
    }

    func node(_ shape: ShapeDefinition) -> HTML {
        let ran = steps[shape.id] ?? []
        var classes = ["canvas-node"]
        if shape.skip { classes.append("skipped") }
        var status = HTML.empty
        if let worst = Self.worst(ran.map(\.status)) {
            classes.append("ran-\(worst.rawValue)")
            let input = ran.reduce(0) { $0 + $1.inputCount }, output = ran.reduce(0) { $0 + $1.outputCount }
            status =
                "<div class=\"canvas-run\">\(Format.badge(worst.rawValue)) <span class=\"canvas-counts\" title=\"payloads in → out\">\(input) → \(output)</span></div>"
        } else if runID != nil {
            status = "<div class=\"canvas-run muted\">not run</div>"
        }
        let title: HTML = shape.name.map { "<b>\($0)</b> <span class=\"mono muted\">\(shape.id)</span>" } ?? "<b class=\"mono\">\(shape.id)</b>"
        let box: HTML = """
            <div class="canvas-box" data-shape="\(shape.id)" data-type="\(shape.type)" data-name="\(shape.name ?? "")" data-skip="\(shape.skip ? "true" : "false")"
              data-settings="\(shape.structure == nil ? FlowSourceView.redacted(shape.settings, for: role).serialized() : "{}")" tabindex="0" role="button"><span class="canvas-type">\(shape.type)</span> \(shape.skip ? Format.badge("skipped") : HTML.empty)
            <div class="canvas-title">\(title)</div>\(status)</div>
            """
        guard let structure = shape.structure else { return "<li class=\"\(classes.joined(separator: " "))\" id=\"canvas-\(shape.id)\">\(box)</li>" }
        let lanes = HTML.join(
            structure.children.map { child in
                """
                <div class="canvas-lane"><div class="canvas-lane-name">\(Self.laneLabel(structure, child.name))</div>\(sequence(child.shapes, lane: "\(shape.id)/\(child.name)"))</div>
                """
            })
        return
            "<li class=\"\(classes.joined(separator: " ")) canvas-structure\" id=\"canvas-\(shape.id)\">\(box)<div class=\"canvas-lanes\">\(lanes)</div></li>"
    }

    /// A lane's heading: a route branch with its condition, `otherwise`, a try's `try`/`catch`.
    static func laneLabel(_ structure: ShapeStructure, _ name: String) -> String {
        if case .route(let block) = structure, let branch = block.branches.first(where: { $0.name == name }) {
            return branch.condition.map { "\(name): \($0)" } ?? name
        }
        return name
    }

    /// The status that says most about a shape that ran as several steps.
    static func worst(_ statuses: [StepStatus]) -> StepStatus? {
        let order: [StepStatus] = [.failure, .stopped, .running, .success, .skipped]
        return order.first { statuses.contains($0) } ?? statuses.first
    }
}
