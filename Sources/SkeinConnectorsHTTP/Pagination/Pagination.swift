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

    static let variants = Variants(
        key: "type",
        cases: [
            Variant(
                "page",
                help: "`param` = start, start + 1, …; the last page has an empty array at `items_path` (or no body), "
                    + "fewer items than `size_param` asked for, or is the last the page count says.",
                settings: ObjectSpec(
                    [
                        FieldSpec("param", .string, default: "page", help: "The query parameter holding the page number."),
                        FieldSpec("start", .integer(0...1_000_000_000), default: 1, help: "The first page's number."),
                        FieldSpec(
                            "size_param", .string,
                            help: "The query parameter that sets the page size (read from the request's URL): a page with fewer items is the last."),
                        FieldSpec("total_pages_header", .string, help: "A response header holding the number of pages (WooCommerce `X-WP-TotalPages`)."),
                        FieldSpec("total_pages_path", .fieldPath, help: "Where the number of pages is in a page (BigCommerce `meta.pagination.total_pages`)."),
                        FieldSpec("total_count_path", .fieldPath, help: "Where the number of items is in a page (Magento `total_count`); needs `size_param`."),
                    ],
                    rules: [
                        .atMostOne(
                            ["total_pages_header", "total_pages_path", "total_count_path"],
                            whenSeveral: RuleMessage("total_pages_header", "give one of total_pages_header, total_pages_path and total_count_path")),
                        .onlyWhen("total_count_path", .present("size_param"), message: "needs size_param, the query parameter that sets the page size"),
                    ])),
            Variant(
                "offset", help: "`offset_param` = 0, limit, 2×limit…; the last page has an empty or short array at `items_path`.",
                settings: ObjectSpec([
                    FieldSpec("offset_param", .string, default: "offset", help: "The query parameter holding the offset."),
                    FieldSpec("limit_param", .string, default: "limit", help: "The query parameter holding the page size."),
                    FieldSpec("limit", .integer(1...1_000_000), default: 100, help: "The page size asked for."),
                ])),
            Variant(
                "cursor", help: "`param` = the value at `cursor_path` of the previous page; no (or an empty, or a repeated) cursor ends.",
                settings: ObjectSpec([
                    FieldSpec("cursor_path", .fieldPath, required: true, help: "Where the next cursor is in a page."),
                    FieldSpec("param", .string, default: "cursor", help: "The query parameter that carries the cursor."),
                ])),
            Variant("link_header", help: "The `rel=\"next\"` URL of the `Link` header; no such link ends."),
            Variant(
                "next_url", help: "The URL at `path` in the body; no URL there ends.",
                settings: ObjectSpec([
                    FieldSpec("path", .fieldPath, required: true, help: "Where the next page's URL is in a page.")
                ])),
            Variant(
                "graphql_cursor", help: "GraphQL: the variable `variable` = `endCursor` of the `pageInfo` at `page_info_path`; `hasNextPage: false` ends.",
                settings: ObjectSpec([
                    FieldSpec("page_info_path", .fieldPath, required: true, help: "Where the connection's `pageInfo { hasNextPage endCursor }` is."),
                    FieldSpec("variable", .string, default: "after", help: "The GraphQL variable that carries the cursor."),
                ])),
        ])

    /// The pagination in a validated `pagination:` object.
    init?(_ settings: ValidSettings) {
        switch settings.string("type") {
        case "page":
            let total: PageTotal? =
                if let header = settings.optional.string("total_pages_header") {
                    .pagesHeader(header)
                } else if let path = settings.optional.fieldPath("total_pages_path") { .pagesPath(path) } else {
                    settings.optional.fieldPath("total_count_path").map(PageTotal.countPath)
                }
            self = .page(param: settings.string("param"), start: settings.int("start"), sizeParam: settings.optional.string("size_param"), total: total)
        case "offset": self = .offset(offsetParam: settings.string("offset_param"), limitParam: settings.string("limit_param"), limit: settings.int("limit"))
        case "cursor": self = .cursor(path: settings.fieldPath("cursor_path"), param: settings.string("param"))
        case "link_header": self = .linkHeader
        case "next_url": self = .nextURL(path: settings.fieldPath("path"))
        case "graphql_cursor": self = .graphqlCursor(pageInfoPath: settings.fieldPath("page_info_path"), variable: settings.string("variable"))
        default: return nil
        }
    }

    /// Whether `items_path` means anything for this type (it detects the last page).
    var usesItems: Bool {
        switch self {
        case .page, .offset: true
        case .cursor, .linkHeader, .nextURL, .graphqlCursor: false
        }
    }
}
