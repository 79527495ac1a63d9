import Foundation
import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/flows/new` (builders): a new flow from nothing — its id, name and trigger — or from a
/// template (the demo flow), saved as the flow's first draft; the browser then lands on the
/// draft's canvas, where shapes are added. Nothing runs until the draft is deployed.
struct NewFlowPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request) async throws -> Response {
        let templates = HTML.join(FlowTemplates.all.map { "<option value=\"\($0.key)\">\($0.title)</option>" })
        let content: HTML = """
            <p class="muted"><a href="/flows">Flows</a></p>
            <h1>New flow</h1>
            <form method="post" action="/flows/new" id="new-flow" class="stack">
              \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: "/flows/new"))
              <label for="new-id">Flow id</label><input id="new-id" name="id" required pattern="[a-z0-9][a-z0-9_-]{0,99}" placeholder="orders-to-erp">
              <p class="muted">Lowercase letters, digits, - and _; it never changes.</p>
              <label for="new-name">Name</label><input id="new-name" name="name" required placeholder="Paid shop orders to the ERP">
              <label for="new-template">Start from</label>
              <select id="new-template" name="template"><option value="">nothing (add the shapes on the canvas)</option>\(templates)</select>
              <label for="new-trigger">Trigger (for a flow from nothing)</label>
              <select id="new-trigger" name="trigger"><option value="manual">manual: started by people</option><option value="api">API: started by programs</option>
              <option value="schedule">a cron schedule (UTC)</option></select>
              <label for="new-schedule">Cron schedule</label><input id="new-schedule" name="schedule" placeholder="*/5 * * * *">
              <div class="toolbar"><span class="spacer"></span><button type="submit" id="new-flow-create">Create the draft</button></div>
            </form>
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "New flow", section: .flows, identity: identity, notice: notice, error: error).render(content))
    }

    /// Saves the new flow's first draft; refused when the flow or a draft of it exists.
    static func create(_ form: UIForm, ui: UIController, identity: Identity) async throws -> Response {
        let id = (form["id"] ?? "").trimmingCharacters(in: .whitespaces)
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, !name.isEmpty else { throw APIError(.invalidBody, "a new flow needs an id and a name") }
        let existing = try await ui.store.flow(id: id, version: nil)
        let drafted = try await ui.store.draft(of: id)
        if existing != nil || drafted != nil {
            throw APIError(.conflict, "flow '\(id)' already exists; open it from the flows list")
        }
        let text: String
        if let key = form["template"], !key.isEmpty {
            guard let template = FlowTemplates.all.first(where: { $0.key == key }) else { throw APIError(.invalidBody, "no template '\(key)'") }
            text = try FlowTemplates.instantiate(template, id: id, name: name)
        } else {
            let trigger: JSON
            switch form["trigger"] ?? "manual" {
            case "api": trigger = "api"
            case "schedule":
                let schedule = (form["schedule"] ?? "").trimmingCharacters(in: .whitespaces)
                do { _ = try CronSchedule(schedule) } catch { throw APIError(.invalidBody, "the cron schedule '\(schedule)' is not valid: \(error)") }
                trigger = ["schedule": .string(schedule)]
            default: trigger = "manual"
            }
            text = FlowTemplates.empty(id: id, name: name, trigger: trigger)
        }
        let drafting = FlowDrafting(store: ui.store, catalog: ui.services.catalog)
        do { _ = try await drafting.save(nil, text: text, actor: identity.username) } catch let error as FlowDraftError {
            throw APIError(.invalidBody, error.message)
        }
        return UIController.redirect(
            to: Link("/flows/\(Link.segment(id))").setting("notice", "Created the draft of '\(id)'. Add shapes, then deploy.").description)
    }
}
