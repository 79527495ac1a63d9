import Foundation

/// A sync reason as HTML, with the entries and runs it names linked: a skipped entry's reason
/// ("already delivered: … by sync entry 12 (run 3, step post-order) on …") leads to the entry
/// that delivered the item and to its run. Everything else is escaped text.
enum SyncReasonLinks {
    static let pattern = try! NSRegularExpression(pattern: #"\b(sync entry|run) (\d{1,18})\b"#)

    static func render(_ text: String) -> HTML {
        let whole = text as NSString
        var parts: [HTML] = []
        var cursor = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
            parts.append("\(whole.substring(with: NSRange(location: cursor, length: match.range.location - cursor)))")
            let kind = whole.substring(with: match.range(at: 1)), number = whole.substring(with: match.range(at: 2))
            let path = kind == "run" ? "/runs/\(number)" : "/sync/\(number)"
            parts.append("<a href=\"\(path)\">\(kind) \(number)</a>")
            cursor = match.range.location + match.range.length
        }
        parts.append("\(whole.substring(from: cursor))")
        return HTML.join(parts)
    }
}
