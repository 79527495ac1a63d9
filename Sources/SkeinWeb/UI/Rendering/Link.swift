import Foundation

/// Builds the URLs pages link to: a path plus percent-encoded query parameters (empty values
/// left out), so filters survive paging and sorting.
struct Link: Sendable, CustomStringConvertible {
    var path: String
    var query: [(String, String)] = []

    /// `path` may carry a query already (`/sync?status=failed`); its parameters are kept.
    init(_ path: String, _ query: [(String, String?)] = []) {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(parts[0])
        let existing = parts.count > 1 ? UIForm(encoded: String(parts[1])).pairs : []
        self.query = existing + query.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : (key, $0) } }
    }

    /// The same link with `key` replaced by `value` (removed when nil).
    func setting(_ key: String, _ value: String?) -> Link {
        var link = self
        link.query.removeAll { $0.0 == key }
        if let value, !value.isEmpty { link.query.append((key, value)) }
        return link
    }

    var description: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Link.encode($0.0))=\(Link.encode($0.1))" }.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }

    /// A path segment (flow ids are plain, but nothing is assumed).
    static func segment(_ text: String) -> String { encode(text) }
}
