/// Where the server may send a browser after sign-in or a form action: only a path on this
/// server. The one check behind `GET /login?next=`, `POST /login`'s `next` and the UI forms' `_back`.
///
/// A target is accepted when it starts with exactly one `/` (`//host` and `/\host` name another
/// server), and holds no backslash and no control character, whitespace or invisible formatting
/// character anywhere — browsers drop tabs and newlines from URLs, so `/\t/evil.example` would be
/// followed to `//evil.example`. Its path (before `?` or `#`) must stay so when percent-decoded,
/// repeatedly, so `/%2F/evil.example` or `/%252F…` cannot hide a second slash; the query may hold
/// encoded spaces (`?search=a%20b`). Anything else is refused.
enum RedirectTarget {
    /// `text` when it is a path on this server, else nil.
    static func localPath(_ text: String?) -> String? {
        guard let text, text.utf8.count <= maximumLength, isSafe(text) else { return nil }
        var path = String(text.prefix { $0 != "?" && $0 != "#" })
        for _ in 0..<4 {
            guard let decoded = path.removingPercentEncoding, decoded != path else { return text }
            guard isSafe(decoded) else { return nil }
            path = decoded
        }
        return nil  // still decoding after four rounds: nobody writes paths like that
    }

    /// `text` when it is a path on this server, else `/` (the dashboard).
    static func localPathOrHome(_ text: String?) -> String { localPath(text) ?? "/" }

    /// The longest target kept (a page address with its filters fits easily).
    static let maximumLength = 4096

    static func isSafe(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasPrefix("//") else { return false }
        return !path.unicodeScalars.contains { scalar in
            scalar == "\\" || scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator
        }
    }
}
