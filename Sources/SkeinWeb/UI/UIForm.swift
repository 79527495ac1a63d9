import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body, in order; a name may repeat
/// (the sync report's checkboxes send one `id` per selected entry).
struct UIForm: Sendable {
    var pairs: [(String, String)]

    init(pairs: [(String, String)]) { self.pairs = pairs }

    /// The largest form body accepted (413 `body_too_large` beyond it, before the CSRF check):
    /// a pasted payload up to this size fits; larger ones go through the API or the CLI.
    static let maximumBytes = 1024 * 1024

    init(encoded text: String) {
        pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (UIForm.decode(pieces[0]), pieces.count > 1 ? UIForm.decode(pieces[1]) : "")
        }
    }

    /// Reads the request's form body, refusing more than `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> UIForm {
        var request = request
        let buffer: ByteBuffer
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError(.bodyTooLarge, "the form is larger than \(limit) bytes")
        }
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw APIError(.bodyTooLarge, "the form is larger than \(limit) bytes")
        }
        return UIForm(encoded: String(buffer: buffer))
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
