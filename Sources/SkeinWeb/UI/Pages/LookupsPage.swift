import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinOperations

/// `/lookups`: the cross-reference lookup tables, and `/lookups/{name}`: one table's rows with
/// a search. Builders and admins add, edit and remove rows, change the description and default,
/// import CSV (uploaded by skein.js to `POST /api/v1/lookups/{name}/rows.csv`) and delete the
/// table; everyone else reads. The changes are `LookupActions`.
struct LookupsPage {
    let ui: UIController
    let identity: Identity

    /// Rows shown on one page; a search narrows larger tables.
    static let shownRows = 500

    var canEdit: Bool { Permission.build.allows(identity) }
    var csrf: String? { identity.csrfToken }

    func list(_ request: Request) async throws -> Response {
        let tables = try await ui.operations.lookups.list(identity)
        let rows: [HTML] = tables.map { table in
            """
            <tr><td><a href="/lookups/\(Link.segment(table.name))"><b>\(table.name)</b></a><div class="muted">\(table.description)</div></td>
            <td class="num">\(table.rowCount)</td><td>\(table.defaultValue.map { HTML("<code>\($0)</code>") } ?? HTML("<span class=\"muted\">none: unmatched values fail</span>"))</td>
            <td>\(Format.time(table.updatedAt))</td></tr>
            """
        }
        let list: HTML =
            tables.isEmpty
            ? "<p class=\"muted\">No lookup tables yet.</p>"
            : """
            <div class="table-box"><table class="grid" id="lookups"><thead><tr><th>Table</th><th class="num">Rows</th><th>Default</th><th>Updated (UTC)</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        let create: HTML =
            canEdit
            ? """
            <h2>New table</h2>
            <form method="post" action="/lookups" class="filters" id="new-lookup">\(ActionForm.hiddenFields(csrf: csrf, back: "/lookups"))
              <label>Name <input name="name" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}" placeholder="shipping-codes"></label>
              <label>Description <input name="description"></label>
              <label>Default <input name="default" placeholder="(none)"></label>
              <button type="submit">Create</button>
            </form>
            """ : .empty
        let content: HTML = """
            <h1>Lookups</h1>
            <p class="lead">Two-column tables that translate codes between systems, read in expressions as <code>$lookup("name", value)</code>.</p>
            \(list)
            \(create)
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Lookups", section: .lookups, identity: identity, notice: notice, error: error).render(content))
    }

    func table(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let (table, updatedAt) = try await ui.operations.lookups.table(identity, name: name)
        let search = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let matching =
            search.isEmpty
            ? table.rows
            : table.rows.filter {
                $0.left.localizedCaseInsensitiveContains(search) || $0.right.localizedCaseInsensitiveContains(search)
            }
        let path = "/lookups/\(Link.segment(table.name))"
        let back = Link(path, [("q", search.isEmpty ? nil : search)]).description
        let shown = matching.prefix(Self.shownRows)
        let rows: [HTML] = shown.map { row in
            guard canEdit else { return "<tr><td>\(row.left)</td><td>\(row.right)</td></tr>" }
            return """
                <tr><td>\(row.left)</td>
                <td><form method="post" action="\(path)/rows" class="inline row-edit">\(ActionForm.hiddenFields(csrf: csrf, back: back))<input type="hidden" name="left" value="\(row.left)"><input name="right" value="\(row.right)" aria-label="Right value for \(row.left)"> <button class="secondary">Save</button></form></td>
                <td>\(ActionForm(action: "\(path)/rows/remove", back: back, label: "Remove", fields: [("left", row.left)], confirm: "Remove the row '\(row.left)'?", style: "link").render(csrf: csrf))</td></tr>
                """
        }
        let counted: HTML = search.isEmpty ? "\(table.rows.count) rows" : "\(matching.count) of \(table.rows.count) rows match"
        let cut: HTML = matching.count > shown.count ? " — showing the first \(shown.count); search to narrow" : .empty
        let grid: HTML =
            shown.isEmpty
            ? "<p class=\"muted\">\(search.isEmpty ? "No rows yet." : "No rows match.")</p>"
            : """
            <div class="table-box"><table class="grid" id="lookup-rows"><thead><tr><th>Left</th><th>Right</th>\(canEdit ? HTML("<th></th>") : .empty)</tr></thead><tbody>\(rows)</tbody></table></div>
            """
        let content: HTML = """
            <h1>Lookup <code>\(table.name)</code></h1>
            <p class="lead">\(table.description)</p>
            <p>Default: \(table.defaultValue.map { HTML("<code>\($0)</code>") } ?? HTML("none — a value with no row fails the step")) · updated \(Format.time(updatedAt)) UTC ·
              <a href="\(path)/rows.csv" download>Export CSV</a></p>
            <form class="filters" method="get" action="\(path)" id="lookup-search">
              <label>Search <input type="search" name="q" value="\(search)" placeholder="left or right value"></label>
              <button type="submit">Search</button> \(search.isEmpty ? HTML.empty : HTML("<a class=\"button secondary\" href=\"\(path)\">Clear</a>"))
            </form>
            <p class="muted">\(counted)\(cut)</p>
            \(grid)
            \(canEdit ? editing(table, path: path, back: back) : .empty)
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(Layout(title: "Lookup \(table.name)", section: .lookups, identity: identity, notice: notice, error: error).render(content))
    }

    /// The builder's forms: add a row, import CSV, description and default, delete.
    func editing(_ table: LookupTable, path: String, back: String) -> HTML {
        """
        <h2>Add or change a row</h2>
        <form method="post" action="\(path)/rows" class="filters" id="add-row">\(ActionForm.hiddenFields(csrf: csrf, back: back))
          <label>Left <input name="left" required></label> <label>Right <input name="right"></label> <button type="submit">Save row</button>
        </form>
        <h2>Import CSV</h2>
        <form class="filters" id="lookup-import" data-upload="/api/v1/lookups/\(Link.segment(table.name))/rows.csv" data-back="\(path)">
          <label>CSV file (header left,right; at most 5 MB) <input type="file" name="file" accept=".csv,text/csv" required></label>
          <button type="submit">Import</button> <span class="muted">adds new rows and updates existing ones; keeps the rest</span>
          <div class="notice error" role="alert" hidden></div>
        </form>
        <h2>Settings</h2>
        <form method="post" action="\(path)/settings" class="filters" id="lookup-settings">\(ActionForm.hiddenFields(csrf: csrf, back: path))
          <label>Description <input name="description" value="\(table.description)"></label>
          <label>Default <input name="default" value="\(table.defaultValue ?? "")" placeholder="(none)"></label>
          <label><input type="checkbox" name="no_default" value="true"\(table.defaultValue == nil ? HTML(" checked") : .empty)> no default</label>
          <button type="submit">Save</button>
        </form>
        <p>\(ActionForm(action: "\(path)/delete", back: path, label: "Delete this table", confirm: "Delete lookup '\(table.name)' and its rows? Flows using it will fail their $lookup calls.", style: "danger").render(csrf: csrf))</p>
        """
    }

    /// `/lookups/{name}/rows.csv` for the page's export link (the session's cookie, no token).
    func export(_ context: SkeinRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let text = try await ui.operations.lookups.exportCSV(identity, name: name)
        var headers = UIController.headers(contentType: "text/csv; charset=utf-8")
        headers[.contentDisposition] = "attachment; filename=\"\(name).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// What the Lookups page's forms do, through `LookupOperations` (builder), returning to the page with a notice.
struct LookupActions: Sendable {
    let ui: UIController

    var lookups: LookupOperations { ui.operations.lookups }

    func create(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = form["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let defaultValue = form["default"].flatMap { $0.isEmpty ? nil : $0 }
        try await lookups.create(identity, LookupTable(name: name, description: form["description"] ?? "", defaultValue: defaultValue))
        return back(to: "/lookups/\(Link.segment(name))", notice: "Created lookup '\(name)'.")
    }

    func setRow(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let row = LookupRow(left: form["left"] ?? "", right: form["right"] ?? "")
        let added = try await lookups.setRow(identity, name: name, row: row)
        return back(to: backPath(form, name), notice: added ? "Added '\(row.left)' → '\(row.right)'." : "Set '\(row.left)' → '\(row.right)'.")
    }

    func removeRow(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let left = form["left"] ?? ""
        try await lookups.removeRow(identity, name: name, left: left)
        return back(to: backPath(form, name), notice: "Removed '\(left)'.")
    }

    func settings(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let typed = form["default"] ?? ""
        let newDefault: String?? = form["no_default"] == "true" || typed.isEmpty ? .some(nil) : .some(typed)
        try await lookups.describe(identity, name: name, description: form["description"] ?? "", defaultValue: newDefault)
        return back(to: "/lookups/\(Link.segment(name))", notice: "Saved the settings of '\(name)'.")
    }

    func delete(_ form: UIForm, _ context: SkeinRequestContext, _ identity: Identity) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        try await lookups.delete(identity, name: name)
        return back(to: "/lookups", notice: "Deleted lookup '\(name)'.")
    }

    func backPath(_ form: UIForm, _ name: String) -> String {
        RedirectTarget.localPath(form["_back"]) ?? "/lookups/\(Link.segment(name))"
    }

    func back(to path: String, notice: String) -> Response {
        UIController.redirect(to: Link(path).setting("notice", notice).setting("error", nil).description)
    }
}
