import Foundation
import Hummingbird
import SkeinOperations

/// The Alerts page's forms: create, edit and delete a notification group through
/// `AlertGroupOperations`, as `skein alert-group` and the API do (builder; CSRF checked by
/// `UIController.action`). Errors return to the page with the operation's message.
struct AlertActions: Sendable {
    let ui: UIController

    var groups: AlertGroupOperations { ui.operations.alertGroups }

    func create(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        try await groups.create(identity, name: name, change(form, keepWebhookURLs: false))
        return back(notice: "Created alert group '\(name)'.")
    }

    /// Saves the edit form; webhook URLs are kept unless the form unchecks `keep_webhook_urls`.
    func update(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = groupName(context)
        try await groups.update(identity, name: name, change(form, keepWebhookURLs: form["keep_webhook_urls"] == "true"))
        return back(notice: "Saved alert group '\(name)'.")
    }

    func delete(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = groupName(context)
        try await groups.delete(identity, name: name)
        return back(notice: "Deleted alert group '\(name)'.")
    }

    func change(_ form: UIForm, keepWebhookURLs: Bool) -> AlertGroupOperations.Change {
        AlertGroupOperations.Change(
            emails: Self.lines(form["emails"]), webhookURLs: keepWebhookURLs ? nil : Self.lines(form["webhook_urls"]),
            smtpInstance: form["smtp_instance"])
    }

    /// A textarea's values: one per line (browsers send CRLF, one `Character` in Swift, hence
    /// `isNewline`; commas separate too), blanks dropped.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0.isNewline || $0 == "," })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func groupName(_ context: SkeinRequestContext) -> String {
        let raw = context.parameters.get("name") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func back(notice: String) -> Response {
        UIController.redirect(to: Link("/alerts").setting("notice", notice).setting("error", nil).description)
    }
}
