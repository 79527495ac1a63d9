import SkeinCore
import SkeinJSON

/// How a receive asks for the next page, as written under `pagination:`.
///
/// | type          | the next request                                   | the last page is                                  |
/// |---------------|----------------------------------------------------|---------------------------------------------------|
/// | `page`        | `param` = start, start + 1, …                      | an empty array at `items_path`                    |
/// | `offset`      | `offset_param` = 0, limit, 2×limit…; `limit_param` = limit | an empty or short array at `items_path`   |
/// | `cursor`      | `param` = the value at `cursor_path`               | no (or an empty, or a repeated) cursor            |
/// | `link_header` | the `rel="next"` URL of the `Link` header          | no `rel="next"` link                              |
/// | `next_url`    | the URL at `path` in the body                      | no URL there                                      |
///
/// `max_pages` caps all of them; reaching it with pages left adds a warning to the step.
enum Pagination: Sendable, Equatable {
    case page(param: String, start: Int)
    case offset(offsetParam: String, limitParam: String, limit: Int)
    case cursor(path: FieldPath, param: String)
    case linkHeader
    case nextURL(path: FieldPath)

    static let types = ["page", "offset", "cursor", "link_header", "next_url"]

    /// Reads `pagination:`; nil (with problems recorded) when it is not usable.
    static func read(_ reader: SettingsReader) -> Pagination? {
        let type = reader.string("type", required: true, allowed: types)
        let result: Pagination?
        switch type {
        case "page":
            result = .page(param: reader.string("param") ?? "page", start: reader.int("start", range: 0...1_000_000_000) ?? 1)
        case "offset":
            result = .offset(offsetParam: reader.string("offset_param") ?? "offset",
                             limitParam: reader.string("limit_param") ?? "limit",
                             limit: reader.int("limit", range: 1...1_000_000) ?? 100)
        case "cursor":
            let path = reader.fieldPath("cursor_path", required: true)
            let param = reader.string("param") ?? "cursor"
            result = path.map { .cursor(path: $0, param: param) }
        case "link_header":
            result = .linkHeader
        case "next_url":
            result = reader.fieldPath("path", required: true).map { .nextURL(path: $0) }
        default:
            result = nil
        }
        reader.finish()
        return result
    }

    /// Whether `items_path` means anything for this type (it detects the last page).
    var usesItems: Bool {
        switch self {
        case .page, .offset: true
        case .cursor, .linkHeader, .nextURL: false
        }
    }
}
