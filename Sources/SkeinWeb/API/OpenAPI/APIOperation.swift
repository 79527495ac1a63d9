import SkeinCore
import SkeinJSON

/// One route of the API as the OpenAPI document describes it.
struct APIOperation: Sendable {
    enum Parameter: Sendable {
        case string(String, String)
        /// A UTC date (2026-05-01).
        case date(String, String)
        case choice(String, String, [String])
        case integer(String, String, ClosedRange<Int>)
        case boolean(String, String)
        /// Repeatable (or comma-separated) strings, optionally from a fixed set.
        case strings(String, String, [String]?)

        var name: String {
            switch self {
            case .string(let name, _), .date(let name, _), .choice(let name, _, _), .integer(let name, _, _), .boolean(let name, _),
                .strings(let name, _, _):
                name
            }
        }
    }

    var method: String
    /// OpenAPI form, `/runs/{run}` (relative to /api/v1).
    var path: String
    var summary: String
    var role: Role
    var query: [Parameter] = []
    /// The JSON body's schema (nil: no body); `bodyType` when not JSON.
    var body: JSON? = nil
    var bodyType: String = "application/json"
    var bodyRequired: Bool = true
    var status: Int = 200
    /// The success answer's media type; nil for none (204).
    var responseType: String? = "application/json"

    /// The path parameters named in `path`, with integer ones typed.
    var pathParameters: [(name: String, integer: Bool)] {
        path.split(separator: "/").compactMap { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return nil }
            let name = String(part.dropFirst().dropLast())
            return (name, ["run", "id", "index", "version"].contains(name))
        }
    }
}
