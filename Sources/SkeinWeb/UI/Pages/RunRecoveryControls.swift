import Foundation
import SkeinCore
import SkeinOperations
import SkeinStorage

/// The "Recover this run" panel of a run page: replay from any step and (for a failed or
/// stopped run) retry from the failed step or from the start, each onto the version the run
/// ran or the latest deployed one — the latest preselected when it is newer, and the panel says
/// which ran. Every form carries a one-time action token, so a second submission is refused.
struct RunRecoveryControls {
    let ui: UIController
    let identity: Identity
    let run: RunRecord
    let steps: [StepRecord]
    /// The flow's latest deployed version (nil when the flow is gone).
    let latestVersion: Int?

    /// The version the forms preselect: the latest when it is newer than the one that ran.
    var preselected: RecoveryOperations.Version { (latestVersion ?? 0) > run.flowVersion ? .latest : .ran }

    func render() -> HTML {
        guard identity.role >= .operator, !run.payloadsExpired, !steps.isEmpty else { return HTML.empty }
        let versionNote: HTML =
            (latestVersion ?? 0) > run.flowVersion
            ? "This run ran <b>v\(run.flowVersion)</b> of \(run.flowID); <b>v\(latestVersion ?? 0)</b> has been deployed since and is chosen below."
            : "This run ran <b>v\(run.flowVersion)</b> of \(run.flowID), the latest deployed version."
        let stepOptions = HTML.join(
            steps.map { step in
                // A step's input is what the step before it produced (the run's input for the first).
                let before = steps.first { $0.sequence == step.sequence - 1 }.map { "what \($0.sequence) · \($0.shapeID) produced" } ?? "the run's input"
                return
                    "<option value=\"\(step.sequence - 1)\"\(step.status == .failure ? " selected" : "")>\(step.sequence) · \(step.shapeID), with \(before)</option>"
            })
        let replay: HTML = """
            <form method="post" action="/runs/\(run.id)/replay" class="recover" id="replay-form" data-confirm="Start a new run of \(run.flowID) with the stored input of the chosen step?">
              \(hidden)
              <label>Replay from step <select name="sequence" id="replay-step">\(stepOptions)</select></label>
              \(versionChoice("replay"))
              <button type="submit" id="replay-run">Replay</button>
            </form>
            """
        var retry = HTML.empty
        if run.status == .failure || run.status == .stopped {
            retry = """
                <form method="post" action="/runs/\(run.id)/retry" class="recover" id="retry-form" data-confirm="Start a new run retrying run \(run.id)?">
                  \(hidden)
                  <fieldset><legend>Retry</legend>
                    <label class="check"><input type="radio" name="from" value="failed_step" checked> from the \(run.status == .stopped ? "stopped" : "failed") step\(run.failedShapeID.map { " '\($0)'" } ?? "")</label>
                    <label class="check"><input type="radio" name="from" value="start"> from the start, with the run's input</label>
                  </fieldset>
                  \(versionChoice("retry"))
                  <button type="submit" id="retry-run">Retry</button>
                </form>
                """
        }
        return """
            <section class="panel" id="recover"><h2>Recover this run</h2>
            <p id="version-note">\(versionNote)</p>
            \(retry)
            \(replay)
            </section>
            """
    }

    /// The hidden fields of a form of this panel: CSRF token, the page to return to, a fresh
    /// one-time action token.
    var hidden: HTML {
        "\(ActionForm.hiddenFields(csrf: identity.csrfToken, back: "/runs/\(run.id)"))<input type=\"hidden\" name=\"\(ActionTokens.field)\" value=\"\(ui.operations.actionTokens.issue())\">"
    }

    /// The `version` radio buttons, `ran` or `latest`, preselected as `preselected` says.
    func versionChoice(_ form: String) -> HTML {
        let latest = latestVersion.map { "v\($0), the latest deployed" } ?? "the latest deployed"
        func option(_ version: RecoveryOperations.Version, _ label: String) -> HTML {
            "<label class=\"check\"><input type=\"radio\" name=\"version\" value=\"\(version.rawValue)\" id=\"\(form)-version-\(version.rawValue)\"\(version == preselected ? " checked" : "")> \(label)</label>"
        }
        return """
            <fieldset><legend>On version</legend>\(option(.latest, latest))\(option(.ran, "v\(run.flowVersion), the version that ran"))</fieldset>
            """
    }
}
