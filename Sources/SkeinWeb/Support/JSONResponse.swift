import Hummingbird
import NIOCore
import SkeinJSON

/// Builds JSON responses with Skein's own serializer (so the API writes JSON exactly as the
/// CLI's `--json` does).
enum JSONResponse {
    static func make(status: HTTPResponse.Status, _ body: JSON) -> Response {
        let bytes = body.serializedBytes()
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
