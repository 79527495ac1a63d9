import Foundation
import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `/alerts`: the notification groups with their addresses, masked webhook URLs, smtp instance
/// and the flows that name each; flows naming a group that does not exist; the latest alerts
/// (`alert.sent`, `alert.digest`, `alert.failed` from the audit log). Builders and admins get
/// the forms to create, edit and delete groups (`AlertActions`); everyone else reads.
struct AlertsPage {
    let ui: UIController
    let identity: Identity

    var groups: AlertGroupOperations { ui.operations.alertGroups }
    var canChange: Bool { Permission.build.allows(identity) }

    func response(_ request: Request) async throws -> Response {
        let listings = try await groups.list(identity)
        let missing = try await groups.missingGroups(identity)
        let recent = try await groups.recentAlerts(identity, limit: 20)
        let instances = canChange ? try await groups.smtpInstances(identity) : []
        let rows = HTML.join(listings.map { row($0, instances: instances) })
        let table: HTML =
            listings.isEmpty
            ? "<p class=\"muted\" id=\"no-groups\">No notification groups yet.\(canChange ? " Create one below." : "")</p>"
            : """
            <div class="table-box"><table class="grid" id="alert-groups"><thead><tr><th>Group</th><th>Email addresses</th><th>Webhook URLs</th><th>SMTP instance</th>
            <th>Flows naming it</th><th>Updated (UTC)</th>\(canChange ? HTML(trusted: "<th></th>") : HTML.empty)</tr></thead><tbody>\(rows)</tbody></table></div>
            """
        let warnings: HTML =
            missing.isEmpty
            ? .empty
            : """
            <div class="notice error" id="missing-groups">Flows name groups that do not exist, so their failures alert nobody: \(HTML.join(missing.map { item in
                "<b>\(item.group)</b> (\(item.flows.joined(separator: ", "))) "
            }))</div>
            """
        let content: HTML = """
            <h1>Alerts</h1>
            <p class="lead">Who hears of failures. A flow names groups under <code>alerts:</code> (<code>on_failure</code>, <code>on_sync_failed</code>);
            the first failure of a flow is sent at once, later ones within the window go out as one digest. See docs/operations.md, "Alerts".</p>
            \(warnings)
            \(table)
            \(canChange ? createForm(instances: instances) : HTML.empty)
            <h2>Recent alerts</h2>
            \(recentTable(recent))
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Alerts", section: .alerts, identity: identity, notice: notice, error: error).render(content))
    }

    func row(_ listing: AlertGroupOperations.Listing, instances: [String]) -> HTML {
        let group = listing.group
        let flows = HTML.join(listing.flows.map { "<a href=\"/flows/\(Link.segment($0))\">\($0)</a> " })
        var actions = HTML.empty
        if canChange {
            let delete = ActionForm(
                action: "/alerts/\(Link.segment(group.name))/delete", back: "/alerts", label: "Delete",
                confirm: "Delete the group '\(group.name)'? Flows naming it will alert nobody through it.",
                style: "small danger"
            ).render(csrf: identity.csrfToken)
            actions = "<td><details class=\"edit\"><summary>Edit</summary>\(editForm(group, instances: instances))</details>\(delete)</td>"
        }
        return """
            <tr id="group-\(group.name)"><td><b>\(group.name)</b></td>
            <td class="wrap">\(group.emails.isEmpty ? "–" : group.emails.joined(separator: ", "))</td>
            <td class="wrap mono">\(listing.maskedWebhookURLs.isEmpty ? "–" : listing.maskedWebhookURLs.joined(separator: ", "))</td>
            <td>\(group.smtpInstance ?? "the server's alert_smtp_instance")</td>
            <td>\(listing.flows.isEmpty ? HTML(trusted: "<span class=\"muted\">none</span>") : flows)</td>
            <td>\(Format.time(group.updatedAt))</td>\(actions)</tr>
            """
    }

    func createForm(instances: [String]) -> HTML {
        """
        <h2>New group</h2>
        <form method="post" action="/alerts" class="group-form" id="new-group">
          \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: "/alerts"))
          <label for="new-name">Name</label><input id="new-name" name="name" required placeholder="ops">
          <label for="new-emails">Email addresses (one per line)</label><textarea id="new-emails" name="emails" rows="3" placeholder="ops@example.com"></textarea>
          <label for="new-webhooks">Webhook URLs (one per line; Slack, Teams or any JSON POST)</label><textarea id="new-webhooks" name="webhook_urls" rows="2"></textarea>
          \(instanceField(id: "new-instance", selected: nil, instances: instances))
          <div class="toolbar"><button type="submit" id="create-group">Create group</button></div>
        </form>
        """
    }

    func editForm(_ group: AlertGroup, instances: [String]) -> HTML {
        let id = "edit-\(group.name)"
        let keep: HTML =
            group.webhookURLs.isEmpty
            ? .empty
            : """
            <label class="check"><input type="checkbox" name="keep_webhook_urls" value="true" checked> Keep the \(group.webhookURLs.count) stored webhook URL\(group.webhookURLs.count == 1 ? "" : "s") (never shown: they hold secrets); uncheck to replace them with the ones below</label>
            """
        return """
            <form method="post" action="/alerts/\(Link.segment(group.name))" class="group-form">
              \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: "/alerts"))
              <label for="\(id)-emails">Email addresses (one per line)</label><textarea id="\(id)-emails" name="emails" rows="3">\(group.emails.joined(separator: "\n"))</textarea>
              \(keep)
              <label for="\(id)-webhooks">Webhook URLs (one per line)</label><textarea id="\(id)-webhooks" name="webhook_urls" rows="2"></textarea>
              \(instanceField(id: "\(id)-instance", selected: group.smtpInstance, instances: instances))
              <div class="toolbar"><button type="submit">Save</button></div>
            </form>
            """
    }

    /// A choice of the smtp instances (and the server's default); a stored instance that is gone stays choosable, so saving keeps it visible.
    func instanceField(id: String, selected: String?, instances: [String]) -> HTML {
        var names = instances
        if let selected, !names.contains(selected) { names.append(selected) }
        let options = HTML.join(names.map { "<option value=\"\($0)\"\($0 == selected ? HTML(trusted: " selected") : HTML.empty)>\($0)</option>" })
        return """
            <label for="\(id)">SMTP instance</label><select id="\(id)" name="smtp_instance"><option value="">the server's alert_smtp_instance</option>\(options)</select>
            """
    }

    func recentTable(_ entries: [AuditEntry]) -> HTML {
        guard !entries.isEmpty else { return "<p class=\"muted\" id=\"no-alerts\">No alerts sent yet.</p>" }
        let rows = HTML.join(
            entries.map { entry in
                let details = entry.details
                let kind = entry.action.hasPrefix("alert.") ? String(entry.action.dropFirst("alert.".count)) : entry.action
                let flow = entry.target.hasPrefix("flow:") ? String(entry.target.dropFirst("flow:".count)) : entry.target
                let sentTo = details["sent_to"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let errors = details["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let errorText: HTML = errors.isEmpty ? .empty : "<div class=\"error-text\">\(errors.joined(separator: "; "))</div>"
                return """
                    <tr><td>\(Format.time(entry.at))</td><td>\(Format.badge(kind))</td>
                    <td><a href="/flows/\(Link.segment(flow))">\(flow)</a></td><td>\(details["group"]?.stringValue ?? "–")</td>
                    <td class="wrap">\(details["subject"]?.stringValue ?? "")</td>
                    <td class="wrap">\(sentTo.joined(separator: ", "))\(errorText)</td></tr>
                    """
            })
        return """
            <div class="table-box"><table class="grid" id="recent-alerts"><thead><tr><th>When (UTC)</th><th>Kind</th><th>Flow</th><th>Group</th><th>Subject</th><th>Sent to</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
