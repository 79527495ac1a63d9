import SkeinOperations

/// A POST form with one button, carrying the session's CSRF token (`_csrf`) and the page to
/// return to (`_back`), optionally asking for confirmation first (`data-confirm`, in skein.js).
struct ActionForm {
    var action: String
    var back: String
    var label: String
    var fields: [(String, String)] = []
    var confirm: String?
    var style = ""

    /// `once`: the form's one-time action token (`ActionTokens`), for actions done once per form.
    func render(csrf: String?, once: String? = nil) -> HTML {
        let hidden = HTML.join(
            (fields + (once.map { [(ActionTokens.field, $0)] } ?? [])).map {
                "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">"
            })
        let confirmAttribute: HTML = confirm.map { " data-confirm=\"\($0)\"" } ?? HTML.empty
        return """
            <form method="post" action="\(action)" class="inline"\(confirmAttribute)>\(ActionForm.hiddenFields(csrf: csrf, back: back))\(hidden)<button class="\(style)">\(label)</button></form>
            """
    }

    static func hiddenFields(csrf: String?, back: String) -> HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf ?? "")\"><input type=\"hidden\" name=\"_back\" value=\"\(back)\">"
    }
}
