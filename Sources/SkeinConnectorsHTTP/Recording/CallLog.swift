import SkeinCore
import SkeinJSON

/// The JSON recorded on a step for each request, so a person can see exactly what was sent
/// and what came back:
///
/// ```json
/// {"method": "GET", "url": "https://shop.example/api/orders?page=2",
///  "request_headers": {"Authorization": "[redacted]"}, "request_body": null,
///  "status": 500, "response_headers": {"Content-Type": "text/plain"},
///  "response_body": "Internal Server Error", "duration_ms": 41,
///  "error": "HTTP 500 Internal Server Error"}
/// ```
///
/// Bodies keep their first 64 KiB. Everything passes through the `Redactor`.
enum CallLog {
    static func entry(
        _ request: OutgoingRequest, reply: HTTPReply?, error: String?, duration: Duration,
        redactor: Redactor
    ) -> JSON {
        var object: JSON.Object = [
            "method": .string(request.method),
            "url": .string(redactor.url(request.url)),
            "request_headers": redactor.headers(request.headers),
            "request_body": request.body.map { .string(redactor.body($0)) } ?? .null,
            "status": reply.map { .number(Double($0.status)) } ?? .null,
            "response_headers": reply.map { redactor.headers($0.headers) } ?? .null,
            "response_body": reply.map { .string(redactor.body($0.body)) } ?? .null,
            "duration_ms": .number(Double(milliseconds(duration))),
        ]
        if let error { object["error"] = .string(redactor.text(error)) }
        return .object(object)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
