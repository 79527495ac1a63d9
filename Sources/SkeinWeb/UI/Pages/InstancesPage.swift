import Hummingbird
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/instances`: every connector instance (type, address, settings, credential *names*, last
/// change) with **Test** (operators: the verdict `skein instance test` prints), and for builders
/// **Add instance**, **Edit** and **Delete** (asks first). Secrets are write-only: the form's
/// credential fields are `type=password` and always blank — the page never has the values —
/// and a blank field on edit keeps the stored secret. skein.js (`instancesPage()`) sends the
/// form to the instances API (`PUT/DELETE /api/v1/instances/{name}`, `POST …/test`) with the
/// session's cookie and CSRF token, so the page and the API share every rule.
struct InstancesPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request) async throws -> Response {
        let canEdit = identity.role >= .builder
        let canTest = identity.role >= .operator
        var rows: [HTML] = []
        for stored in try await ui.store.storedInstances() {
            let names = (try? await ui.services.instances?.instance(named: stored.name).credentials.keys.sorted()) ?? []
            let settings = stored.settings.objectValue.map { JSON.object($0).serialized() } ?? "{}"
            let kind = stored.settings["connector"]?.stringValue.map { "\(stored.connectorType) (\($0))" } ?? stored.connectorType
            var buttons: [HTML] = []
            if canTest { buttons.append("<button type=\"button\" class=\"small secondary\" data-test=\"\(stored.name)\">Test</button>") }
            if canEdit {
                buttons.append("<button type=\"button\" class=\"small secondary\" data-edit=\"\(stored.name)\">Edit</button>")
                buttons.append("<button type=\"button\" class=\"small danger\" data-delete=\"\(stored.name)\">Delete</button>")
            }
            rows.append(
                """
                <tr id="instance-\(stored.name)" data-name="\(stored.name)" data-type="\(stored.connectorType)" data-address="\(stored.address)" \
                data-rate-limit="\(stored.rateLimit ?? "")" data-timeout-ms="\(stored.timeoutMilliseconds)" data-settings="\(settings)" data-credentials="\(names.joined(separator: ","))">
                <td><b>\(stored.name)</b></td><td>\(kind)</td><td class="wrap mono">\(stored.address)</td>
                <td class="mono">\(names.isEmpty ? "–" : names.joined(separator: ", "))</td><td>\(Format.time(stored.updatedAt))</td>
                <td class="verdict" aria-live="polite"></td><td>\(buttons)</td></tr>
                """)
        }
        let table: HTML =
            rows.isEmpty
            ? "<p class=\"muted\" id=\"no-instances\">No instances yet.</p>"
            : """
            <div class="table-box"><table class="grid" id="instances"><thead><tr><th>Instance</th><th>Type</th><th>Address</th><th>Credentials</th>\
            <th>Updated (UTC)</th><th>Test result</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
        let add: HTML = canEdit ? "<button type=\"button\" id=\"add-instance\">Add instance</button>" : .empty
        let content: HTML = """
            <div class="toolbar"><h1>Instances</h1><span class="spacer"></span>\(add)</div>
            <p class="lead">The systems flows talk to. Credentials are stored encrypted and never shown back: only their names are listed.</p>
            <div class="notice error" role="alert" id="instance-error" hidden></div>
            \(table)
            \(canEdit ? form : .empty)
            """
        let messages = UIController.messages(request)
        return UIController.html(
            Layout(title: "Instances", section: .instances, identity: identity, notice: messages.notice, error: messages.error).render(content))
    }

    /// The add/edit dialog. Credential rows are added by skein.js: one per stored name (blank:
    /// keep) and **Add a credential** for more.
    var form: HTML {
        let types = HTML.join(InstanceRules.connectorTypes.map { "<option value=\"\($0)\">\($0)</option>" })
        return """
            <dialog id="instance-dialog"><form id="instance-form" class="group-form" method="dialog">
            <h2 id="instance-form-title">Add instance</h2>
            <label for="instance-name">Name</label><input id="instance-name" name="name" required>
            <label for="instance-type">Type</label><select id="instance-type" name="type">\(types)</select>
            <label for="instance-address">Address</label><input id="instance-address" name="address" required placeholder="https://shop.example.com/api">
            <label for="instance-rate-limit">Rate limit (optional)</label><input id="instance-rate-limit" name="rate_limit" placeholder="10/s">
            <label for="instance-timeout">Timeout (ms)</label><input id="instance-timeout" name="timeout_ms" type="number" min="1" value="30000">
            <label for="instance-settings">Settings (JSON object, e.g. {"auth": "bearer"})</label><textarea id="instance-settings" name="settings" rows="3">{}</textarea>
            <label>Credentials (write-only; blank keeps the stored value)</label>
            <div id="instance-credentials"></div>
            <button type="button" class="small secondary" id="add-credential">Add a credential</button>
            <div class="notice error" role="alert" id="instance-form-error" hidden></div>
            <div class="toolbar"><span class="spacer"></span><button type="button" class="secondary" data-close>Cancel</button><button type="submit" id="save-instance">Save</button></div>
            </form></dialog>
            """
    }
}
