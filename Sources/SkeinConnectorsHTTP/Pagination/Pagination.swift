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

    static let variants = Variants(key: "type", cases: [
        Variant("page", help: "`param` = start, start + 1, …; the last page has an empty array at `items_path`.", settings: ObjectSpec([
            FieldSpec("param", .string, default: "page", help: "The query parameter holding the page number."),
            FieldSpec("start", .integer(0...1_000_000_000), default: 1, help: "The first page's number."),
        ])),
        Variant("offset", help: "`offset_param` = 0, limit, 2×limit…; the last page has an empty or short array at `items_path`.",
                settings: ObjectSpec([
                    FieldSpec("offset_param", .string, default: "offset", help: "The query parameter holding the offset."),
                    FieldSpec("limit_param", .string, default: "limit", help: "The query parameter holding the page size."),
                    FieldSpec("limit", .integer(1...1_000_000), default: 100, help: "The page size asked for."),
                ])),
        Variant("cursor", help: "`param` = the value at `cursor_path` of the previous page; no (or an empty, or a repeated) cursor ends.",
                settings: ObjectSpec([
                    FieldSpec("cursor_path", .fieldPath, required: true, help: "Where the next cursor is in a page."),
                    FieldSpec("param", .string, default: "cursor", help: "The query parameter that carries the cursor."),
                ])),
        Variant("link_header", help: "The `rel=\"next\"` URL of the `Link` header; no such link ends."),
        Variant("next_url", help: "The URL at `path` in the body; no URL there ends.", settings: ObjectSpec([
            FieldSpec("path", .fieldPath, required: true, help: "Where the next page's URL is in a page."),
        ])),
    ])

    /// The pagination in a validated `pagination:` object.
    init?(_ settings: ValidSettings) {
        switch settings.string("type") {
        case "page": self = .page(param: settings.string("param"), start: settings.int("start"))
        case "offset": self = .offset(offsetParam: settings.string("offset_param"), limitParam: settings.string("limit_param"), limit: settings.int("limit"))
        case "cursor": self = .cursor(path: settings.fieldPath("cursor_path"), param: settings.string("param"))
        case "link_header": self = .linkHeader
        case "next_url": self = .nextURL(path: settings.fieldPath("path"))
        default: return nil
        }
    }

    /// Whether `items_path` means anything for this type (it detects the last page).
    var usesItems: Bool {
        switch self {
        case .page, .offset: true
        case .cursor, .linkHeader, .nextURL: false
        }
    }
}
