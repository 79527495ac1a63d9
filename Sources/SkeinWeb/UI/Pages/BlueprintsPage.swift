import Hummingbird
import SkeinCore
import SkeinOperations

/// `/blueprints`: every blueprint this server knows, with what an install creates (instances,
/// lookups and flows — linked once they exist), what it needs, and the command that installs it.
/// Read-only: installing takes credentials, which go through `skein blueprint install` (from
/// environment variables) or `POST /api/v1/blueprints/{name}/install`, not a browser form.
struct BlueprintsPage {
    let ui: UIController
    let identity: Identity

    func response(_ request: Request) async throws -> Response {
        let blueprints = try ui.operations.blueprints.list(identity)
        let lookups = Set(try await ui.operations.lookups.list(identity).map(\.name))
        var sections: [HTML] = []
        for blueprint in blueprints {
            var created: [HTML] = []
            for instance in blueprint.instances {
                let kind = instance.connector.map { "connector \($0)" } ?? instance.type
                created.append("<tr><td>instance</td><td><b>\(instance.name)</b></td><td>\(kind)</td><td>\(instance.help)</td></tr>")
            }
            for lookup in blueprint.lookups {
                let fallback = lookup.defaultValue.map { "default \($0)" } ?? "no default"
                let name: HTML =
                    lookups.contains(lookup.name) ? "<a href=\"/lookups/\(Link.segment(lookup.name))\"><b>\(lookup.name)</b></a>" : "<b>\(lookup.name)</b>"
                created.append("<tr><td>lookup</td><td>\(name)</td><td>\(lookup.rows.count) rows, \(fallback)</td><td>\(lookup.help)</td></tr>")
            }
            for flow in blueprint.flows {
                let deployed = try await ui.store.flow(id: flow.id, version: nil)
                let name: HTML = deployed != nil ? "<a href=\"/flows/\(Link.segment(flow.id))\"><b>\(flow.id)</b></a>" : "<b>\(flow.id)</b>"
                let state: HTML =
                    deployed.map { "installed, v\($0.version) \(Format.badge($0.enabled ? "enabled" : "disabled"))" }
                    ?? "<span class=\"muted\">not installed</span>"
                created.append("<tr><td>flow</td><td>\(name)</td><td>\(state)</td><td>\(flow.name ?? "")</td></tr>")
            }
            let needs = HTML.join(
                blueprint.settings.map { setting -> HTML in
                    "<li><code>--setting \(setting.name)=…</code> \(setting.required ? "(required)" : "(default \(setting.defaultValue ?? ""))") \(setting.help)</li>"
                }
                    + blueprint.credentials.map { credential -> HTML in
                        "<li><code>--credential-env \(credential.name)=VARIABLE</code> \(credential.help)</li>"
                    })
            let command =
                "skein blueprint install \(blueprint.name)"
                + blueprint.settings.filter(\.required).map { " --setting \($0.name)=…" }.joined()
                + blueprint.credentials.map { " --credential-env \($0.name)=VARIABLE" }.joined()
            sections.append(
                """
                <section class="blueprint" id="\(blueprint.name)">
                <h2>\(blueprint.title) <span class="muted">\(blueprint.name)</span></h2>
                <p><b>\(blueprint.systems.joined(separator: " → "))</b></p>
                <p>\(blueprint.description)</p>
                <div class="table-box"><table class="grid"><thead><tr><th>Creates</th><th>Name</th><th></th><th></th></tr></thead><tbody>\(HTML.join(created))</tbody></table></div>
                <h3>Needs</h3><ul>\(needs)</ul>
                <p>Install: <code>\(command)</code></p>
                </section>
                """)
        }
        let errors = ui.operations.blueprintCatalog.errors
        let problems: HTML =
            errors.isEmpty
            ? .empty
            : "<p class=\"error\">Not loaded: \(errors.map(\.description).joined(separator: "; "))</p>"
        let content: HTML =
            blueprints.isEmpty && errors.isEmpty
            ? "<h1>Blueprints</h1><p class=\"muted\">No blueprints.</p>"
            : """
            <h1>Blueprints</h1>
            <p class="muted">Ready-made integrations: the instances, cross-reference lookups and flows for a pair of systems,
            installed with one command (docs/blueprints.md).</p>
            \(problems)\(HTML.join(sections))
            """
        return UIController.html(Layout(title: "Blueprints", section: .blueprints, identity: identity).render(content))
    }
}
