import SkeinCore
import SkeinJSON

/// How a receive asks for the next page, as written under `pagination:`.
///
/// | type          | the next request                                   | the last page is                                  |
/// |---------------|----------------------------------------------------|---------------------------------------------------|
/// | `page`        | `param` = start, start + 1, …                      | an empty array at `items_path` (or no body); the page count from `total_pages_header`, `total_pages_path` or `total_count_path`; fewer items than `size_param` asked for |
/// | `offset`      | `offset_param` = 0, limit, 2×limit…; `limit_param` = limit | an empty or short array at `items_path`   |
/// | `cursor`      | `param` = the value at `cursor_path`               | no (or an empty, or a repeated) cursor            |
/// | `link_header` | the `rel="next"` URL of the `Link` header          | no `rel="next"` link                              |
/// | `next_url`    | the URL at `path` in the body                      | no URL there                                      |
/// | `graphql_cursor` | GraphQL variable `variable` (`after`) = `endCursor` of the `pageInfo` at `page_info_path` | `hasNextPage: false` |
///
/// `max_pages` caps all of them; reaching it with pages left adds a warning to the step.
enum Pagination: Sendable, Equatable {
    /// How a system says how many pages there are (WooCommerce `X-WP-TotalPages`, BigCommerce
    /// `meta.pagination.total_pages`, Magento `total_count` with `searchCriteria[pageSize]`).
    enum PageTotal: Sendable, Equatable {
        case pagesHeader(String)
        case pagesPath(FieldPath)
        case countPath(FieldPath)
    }

    /// `sizeParam`: the query parameter holding the page size (read from the request URL), so a
    /// page with fewer items is known to be the last, and a total count becomes a page count.
    case page(param: String, start: Int, sizeParam: String? = nil, total: PageTotal? = nil)
    case offset(offsetParam: String, limitParam: String, limit: Int)
    case cursor(path: FieldPath, param: String)
    case linkHeader
    case nextURL(path: FieldPath)
    /// GraphQL Relay connections: `pageInfo { hasNextPage endCursor }` at `pageInfoPath`, the
    /// cursor sent as the GraphQL variable `variable`.
    case graphqlCursor(pageInfoPath: FieldPath, variable: String)

    static let types = ["page", "offset", "cursor", "link_header", "next_url", "graphql_cursor"]

    /// Reads `pagination:`; nil (with problems recorded) when it is not usable.
    static func read(_ reader: SettingsReader) -> Pagination? {
        let type = reader.string("type", required: true, allowed: types)
        let result: Pagination?
        switch type {
        case "page":
            let param = reader.string("param") ?? "page"
            let start = reader.int("start", range: 0...1_000_000_000) ?? 1
            let sizeParam = reader.string("size_param")
            let header = reader.string("total_pages_header")
            let pagesPath = reader.fieldPath("total_pages_path")
            let countPath = reader.fieldPath("total_count_path")
            var total: PageTotal?
            switch (header, pagesPath, countPath) {
            case (let header?, nil, nil): total = .pagesHeader(header)
            case (nil, let path?, nil): total = .pagesPath(path)
            case (nil, nil, let path?):
                total = .countPath(path)
                if sizeParam == nil { reader.report("total_count_path", "needs size_param, the query parameter that sets the page size") }
            case (nil, nil, nil): total = nil
            default: reader.report("total_pages_header", "give one of total_pages_header, total_pages_path and total_count_path")
            }
            result = .page(param: param, start: start, sizeParam: sizeParam, total: total)
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
        case "graphql_cursor":
            let variable = reader.string("variable") ?? "after"
            result = reader.fieldPath("page_info_path", required: true).map { .graphqlCursor(pageInfoPath: $0, variable: variable) }
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
        case .cursor, .linkHeader, .nextURL, .graphqlCursor: false
        }
    }
}
