import Hummingbird
import NIOCore

/// Serves the stylesheet and the script (and the vendored CodeMirror files). They are public (the login page uses them too) and
/// change only with the binary, so browsers may cache them for an hour.
enum AssetRoutes {
    static func add(to router: Router<SkeinRequestContext>) {
        let css = ByteBuffer(string: StyleSheet.text + CanvasStyle.text)
        let js = ByteBuffer(string: Script.text + CanvasScript.text + FlowTextScript.text + InstancesScript.text)
        router.get("assets/skein.css") { _, _ in asset(css, type: "text/css; charset=utf-8") }
        router.get("assets/skein.js") { _, _ in asset(js, type: "text/javascript; charset=utf-8") }
        for (name, text) in codeMirror {
            let body = ByteBuffer(string: text)
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            router.get(RouterPath("assets/codemirror/\(name)")) { _, _ in asset(body, type: type) }
        }
    }

    /// CodeMirror 5 for the text view of a draft (`FlowTextPage`), by file name under /assets/codemirror/.
    static let codeMirror: [(String, String)] = [
        ("codemirror.js", CodeMirrorFiles.codemirrorJS), ("codemirror.css", CodeMirrorFiles.codemirrorCSS),
        ("yaml.js", CodeMirrorFiles.yamlJS), ("javascript.js", CodeMirrorFiles.javascriptJS),
        ("lint.js", CodeMirrorFiles.lintJS), ("lint.css", CodeMirrorFiles.lintCSS),
    ]

    static func asset(_ body: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "public, max-age=3600",
                HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: body))
    }
}
