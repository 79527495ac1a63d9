import Hummingbird
import NIOCore

/// Serves the stylesheet and the script. They are public (the login page uses them too) and
/// change only with the binary, so browsers may cache them for an hour.
enum AssetRoutes {
    static func add(to router: Router<SkeinRequestContext>) {
        let css = ByteBuffer(string: StyleSheet.text + CanvasStyle.text)
        let js = ByteBuffer(string: Script.text + CanvasScript.text)
        router.get("assets/skein.css") { _, _ in asset(css, type: "text/css; charset=utf-8") }
        router.get("assets/skein.js") { _, _ in asset(js, type: "text/javascript; charset=utf-8") }
    }

    static func asset(_ body: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600",
                                        HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: body))
    }
}
