import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// `/runs/{id}/payloads/{sequence}/{index}`: the payload viewer — pretty JSON (or the text as
/// stored), cut at `viewLimit` bytes with a `[trimmed]` marker giving the full size, a download
/// of the exact bytes, a link to try an expression on it, and "replay this payload".
struct PayloadPage {
    let ui: UIController
    let identity: Identity

    /// The most a page shows; the download always has everything.
    static let viewLimit = 256 * 1024

    struct Location {
        var run: RunRecord
        var sequence: Int
        var index: Int
        var infos: [PayloadInfo]
        var stepName: String
    }

    func locate(_ context: SkeinRequestContext) async throws -> Location {
        let parameters = context.parameters
        guard let runID = parameters.get("run").flatMap(RunID.init), let run = try await ui.store.run(id: runID) else {
            throw APIError(.notFound, "there is no run \(parameters.get("run") ?? "")")
        }
        guard let sequence = parameters.get("sequence").flatMap(Int.init), let index = parameters.get("index").flatMap(Int.init) else {
            throw APIError(.notFound, "a payload is addressed by step number and index")
        }
        let infos = try await ui.store.payloadInfos(of: StepID(run: run.id, sequence: sequence))
        guard infos.indices.contains(index) else {
            if run.payloadsExpired { throw APIError(.notFound, "the payloads of run \(run.id) have expired (retention); its log remains") }
            throw APIError(
                .notFound, "step \(sequence) of run \(run.id) has \(infos.count) payload\(infos.count == 1 ? "" : "s"); there is no payload \(index)")
        }
        let stepName =
            sequence == 0
            ? "the run's input"
            : try await ui.store.steps(runID: run.id).first { $0.sequence == sequence }.map { "step \(sequence) '\($0.shapeID)'" } ?? "step \(sequence)"
        return Location(run: run, sequence: sequence, index: index, infos: infos, stepName: stepName)
    }

    func response(_ request: Request, _ context: SkeinRequestContext) async throws -> Response {
        let location = try await locate(context)
        let (run, sequence, index) = (location.run, location.sequence, location.index)
        guard let payload = try await ui.store.payload(of: StepID(run: run.id, sequence: sequence), index: index) else {
            throw APIError(.notFound, "payload \(index) of step \(sequence) of run \(run.id) is gone")
        }
        let info = location.infos[index]
        let (text, trimmed) = Self.viewText(payload)
        let base = "/runs/\(run.id)/payloads/\(sequence)"
        var navigation: [HTML] = []
        if index > 0 { navigation.append("<a href=\"\(base)/\(index - 1)\">← Payload \(index - 1)</a>") }
        navigation.append("<span class=\"muted\">payload \(index + 1) of \(location.infos.count)</span>")
        if index + 1 < location.infos.count { navigation.append("<a href=\"\(base)/\(index + 1)\">Payload \(index + 1) →</a>") }
        var actions: [HTML] = [
            "<a class=\"button secondary\" href=\"\(base)/\(index)/download\" download>Download (\(Format.bytes(info.size)))</a>"
        ]
        if payload.isJSON {
            let playground = Link("/playground", [("run", String(run.id)), ("sequence", String(sequence)), ("index", String(index))])
            actions.append("<a class=\"button secondary\" id=\"try-expression\" href=\"\(playground.description)\">Try an expression on this payload</a>")
        }
        if identity.role >= .operator {
            actions.append(
                ActionForm(
                    action: "/runs/\(run.id)/replay", back: "\(base)/\(index)", label: "Replay this payload into the next step",
                    fields: [("sequence", String(sequence)), ("index", String(index))],
                    confirm: "Start a new run with this payload, entering after \(location.stepName)?"
                )
                .render(csrf: identity.csrfToken, once: ui.operations.actionTokens.issue()))
        }
        let marker: HTML =
            trimmed
            ? "<div class=\"trimmed\">[trimmed] showing the first \(Format.bytes(Self.viewLimit)) of \(Format.bytes(info.size)) (\(info.size) bytes); download it for all of it</div>"
            : HTML.empty
        let content: HTML = """
            <p class="muted"><a href="/runs/\(run.id)">Run \(run.id)</a> · \(run.flowID) v\(run.flowVersion) · \(location.stepName)</p>
            <h1>Payload \(index) of \(location.stepName)</h1>
            <dl class="facts"><dt>Content type</dt><dd>\(info.contentType)</dd><dt>Size</dt><dd>\(info.size) bytes (\(Format.bytes(info.storedSize)) stored)</dd></dl>
            <div class="toolbar">\(actions)<span class="spacer"></span>\(navigation)</div>
            <pre class="payload" id="payload">\(text)</pre>
            \(marker)
            """
        let (notice, error) = UIController.messages(request)
        return UIController.html(
            Layout(title: "Payload \(index) · run \(run.id)", section: .runs, identity: identity, notice: notice, error: error).render(content))
    }

    /// The payload as shown: pretty JSON when it is JSON and small enough to show whole, else
    /// the stored text cut at `viewLimit` bytes (on a character boundary).
    static func viewText(_ payload: Payload) -> (text: String, trimmed: Bool) {
        let bytes = payload.bytes()
        if bytes.count <= viewLimit {
            if payload.isJSON, let json = try? payload.json() { return (json.serialized(.pretty), false) }
            return (String(decoding: bytes, as: UTF8.self), false)
        }
        var text = String(decoding: bytes.prefix(viewLimit), as: UTF8.self)
        if text.last == "\u{FFFD}" { text.removeLast() }
        return (text, true)
    }

    /// The exact stored bytes as an attachment.
    func download(_ context: SkeinRequestContext) async throws -> Response {
        let location = try await locate(context)
        guard let payload = try await ui.store.payload(of: StepID(run: location.run.id, sequence: location.sequence), index: location.index) else {
            throw APIError(.notFound, "the payload is gone")
        }
        let bytes = payload.bytes()
        let fileName = "run-\(location.run.id)-step-\(location.sequence)-payload-\(location.index).\(Self.fileExtension(payload.contentType))"
        return Response(
            status: .ok,
            headers: [
                .contentType: payload.contentType, .contentDisposition: "attachment; filename=\"\(fileName)\"",
                .contentLength: String(bytes.count), HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func fileExtension(_ contentType: String) -> String {
        if Payload.isJSON(contentType) { return "json" }
        let base = contentType.split(separator: ";").first.map { $0.lowercased() } ?? ""
        switch base {
        case "text/csv": return "csv"
        case "application/xml", "text/xml": return "xml"
        case "application/pdf": return "pdf"
        case let type where type.hasPrefix("text/"): return "txt"
        default: return "bin"
        }
    }
}
