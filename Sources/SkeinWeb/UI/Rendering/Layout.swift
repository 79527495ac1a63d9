import SkeinOperations

/// The frame of every page: navigation, who is signed in, the CSRF token for scripts, and a
/// notice or error carried over from the action that led here.
struct Layout {
    enum Section: String, CaseIterable {
        case dashboard = "Dashboard", flows = "Flows", runs = "Run logs", sync = "Sync report", lookups = "Lookups", alerts = "Alerts", playground =
            "Playground"
        case blueprints = "Blueprints", instances = "Instances"

        var path: String {
            switch self {
            case .dashboard: "/"
            case .flows: "/flows"
            case .runs: "/runs"
            case .sync: "/sync"
            case .alerts: "/alerts"
            case .lookups: "/lookups"
            case .playground: "/playground"
            case .blueprints: "/blueprints"
            case .instances: "/instances"
            }
        }
    }

    var title: String
    var section: Section?
    var identity: Identity?
    var notice: String?
    var error: String?
    /// Extra stylesheets and scripts of this page (site paths), loaded before skein.css and skein.js.
    var stylesheets: [String] = []
    var scripts: [String] = []

    func render(_ content: HTML) -> HTML {
        let navigation = HTML.join(
            Section.allCases.map { item in
                item == section
                    ? "<a href=\"\(item.path)\" class=\"active\" aria-current=\"page\">\(item.rawValue)</a>"
                    : "<a href=\"\(item.path)\">\(item.rawValue)</a>"
            })
        var user = HTML.empty
        if let identity {
            user = """
                <span class="user">\(identity.username) <span class="role">\(identity.role.rawValue)</span></span>
                <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="\(identity.csrfToken ?? "")"><button class="link">Sign out</button></form>
                """
        }
        let messages = HTML.join([
            notice.map { "<div class=\"notice\" role=\"status\">\($0)</div>" } ?? .empty,
            error.map { "<div class=\"notice error\" role=\"alert\">\($0)</div>" } ?? .empty,
        ])
        let extraStylesheets = HTML.join(stylesheets.map { path -> HTML in "<link rel=\"stylesheet\" href=\"\(path)\">" })
        let extraScripts = HTML.join(scripts.map { path -> HTML in "<script src=\"\(path)\" defer></script>" })
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(identity?.csrfToken ?? "")">
            <title>\(title) · Skein</title>
            \(extraStylesheets)<link rel="stylesheet" href="/assets/skein.css">
            \(extraScripts)<script src="/assets/skein.js" defer></script>
            </head>
            <body>
            <header class="top"><a class="brand" href="/">Skein</a><nav>\(navigation)</nav><div class="who">\(user)</div></header>
            <main>
            \(messages)
            \(content)
            </main>
            </body>
            </html>
            """
    }
}
