import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations

/// `/runs/{run}/steps/{step}/payloads`: every payload of one step, a page at a time, with a
/// search by reference, text or JSONata condition (`PayloadSearch`, the operation the API and
/// `skein payload find` use); each match opens the payload viewer. The run page links here
/// when a step has more payloads than it shows.
struct StepPayloadsPage {
    let ui: UIController
    let identity: Identity

    static let pageSize = 100

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        guard let id = context.parameters.get("run").flatMap(RunID.init), let step = context.parameters.get("step") else {
            throw APIError(.notFound, "there is no such run")
        }
        // The search form is sent by GET as a browser encodes forms: a space is "+" (`total_price > 100`).
        let parameters = Inputs(pairs: UIForm(encoded: request.uri.query ?? "").pairs)
        let search = try PayloadSearch(parameters, defaultLimit: Self.pageSize)
        let page = try await ui.operations.runs.findPayloads(identity, run: id, step: step, search)
        let base = Link(
            "/runs/\(id)/steps/\(Link.segment(step))/payloads",
            [("reference", search.reference), ("text", search.text), ("where", search.condition)])
        let rows = HTML.join(
            page.infos.map { info in
                """
                <tr><td class="num"><a class="eye" href="/runs/\(id)/payloads/\(page.sequence)/\(info.index)">\(RunPage.eyeIcon)\(info.index)</a></td>
                <td>\(info.contentType)</td><td class="num">\(Format.bytes(info.size))</td></tr>
                """
            })
        var pager: [HTML] = []
        if search.offset > 0 { pager.append("<a href=\"\(base.description)\">← First</a>") }
        if let next = page.nextOffset { pager.append("<a href=\"\(base.setting("offset", String(next)).description)\" rel=\"next\">Next →</a>") }
        let content: HTML = """
            <h1>Payloads of step \(page.sequence) of <a href="/runs/\(id)">run \(id)</a></h1>
            <form class="filters" method="get" id="payload-search">
              <label>Reference <input name="reference" value="\(search.reference ?? "")" placeholder="#1017"></label>
              <label>Text <input type="search" name="text" value="\(search.text ?? "")" placeholder="any text in the payload"></label>
              <label>Condition (JSONata) <input name="where" class="mono" value="\(search.condition ?? "")" placeholder="total_price > 100"></label>
              <button type="submit">Find</button> <a class="button secondary" href="\(Link("/runs/\(id)/steps/\(Link.segment(step))/payloads").description)">Clear</a>
            </form>
            <p id="payload-matches">\(page.matched) of \(page.payloads) payload\(page.payloads == 1 ? "" : "s") match\(page.infos.isEmpty ? "" : "; showing \(search.offset + 1)–\(search.offset + page.infos.count)").</p>
            \(page.infos.isEmpty ? HTML.empty : "<table class=\"grid\" id=\"payload-list\"><thead><tr><th class=\"num\">Payload</th><th>Content type</th><th class=\"num\">Size</th></tr></thead><tbody>\(rows)</tbody></table>")
            <div class="pager">\(pager)</div>
            """
        return UIController.html(Layout(title: "Payloads of run \(id)", section: .runs, identity: identity).render(content))
    }
}
