import SkeinCore
import SkeinJSON

/// Walks the pages of one receive: it gives the URL of the first page and, after each page
/// arrives, decides whether there is another and where.
///
/// The decision is pure (a page in, a step out), so every pagination style is testable
/// without a server, and the executor's loop stays the same for all of them.
struct Paginator: Sendable {
    /// What to do after a page.
    enum Step: Equatable, Sendable {
        /// Fetch this URL next (and keep the page just fetched).
        case next(String)
        /// Send the GraphQL query again with this cursor in `variable` (and keep the page).
        case nextCursor(variable: String, cursor: String)
        /// The page just fetched is the last one; keep it.
        case last
        /// The page just fetched holds no items, so the previous one was the last: drop it
        /// (unless it is the only page, so a receive always says what the system answered).
        case empty
    }

    /// What the paginator looks at in a page.
    struct Page: Sendable {
        var url: String
        /// Every `Link` header value of the response.
        var linkHeaders: [String]
        /// The body, when it is JSON.
        var document: JSON?
        /// Reads one header of the response (for page counts such as `X-WP-TotalPages`).
        var header: @Sendable (String) -> String? = { _ in nil }
    }

    let pagination: Pagination?
    let itemsPath: FieldPath?
    private let baseURL: String
    private var pageNumber = 0
    private var offset = 0
    private var previousCursor: String?

    init(pagination: Pagination?, itemsPath: FieldPath?, baseURL: String) {
        self.pagination = pagination
        self.itemsPath = itemsPath
        self.baseURL = baseURL
    }

    /// The URL of the first page: the configured URL plus the first page's parameters.
    mutating func firstURL() -> String {
        switch pagination {
        case .page(let param, let start, _, _)?:
            pageNumber = start
            return URLText.settingQuery(baseURL, param, String(start))
        case .offset(let offsetParam, let limitParam, let limit)?:
            offset = 0
            return URLText.settingQuery(URLText.settingQuery(baseURL, offsetParam, "0"), limitParam, String(limit))
        case .cursor, .linkHeader, .nextURL, .graphqlCursor, nil:
            return baseURL
        }
    }

    /// The items of a page: the array at `items_path`, or the body itself when it is an array.
    func items(of page: Page) -> [JSON]? {
        guard let document = page.document else { return nil }
        if let itemsPath { return itemsPath.value(in: document)?.arrayValue }
        return document.arrayValue
    }

    /// Whether the pages can tell when they end (`page`/`offset` need an array to look at).
    func canDetectEnd(of page: Page) -> Bool {
        switch pagination {
        case .page?, .offset?: items(of: page) != nil
        default: true
        }
    }

    mutating func step(after page: Page) -> Step {
        switch pagination {
        case nil:
            return .last
        case .page(let param, let start, let sizeParam, let total)?:
            // No body (BigCommerce answers 204 past the last page) or an empty list: no more.
            if page.document == .null { return .empty }
            let items = items(of: page)
            if let items, items.isEmpty { return .empty }
            let size = sizeParam.flatMap { name in URLText.queryItems(page.url).last { $0.name == name }.flatMap { Int($0.value) } }
            if let items, let size, size > 0, items.count < size { return .last }
            if let pages = totalPages(of: page, total: total, size: size), pageNumber - start + 1 >= pages { return .last }
            pageNumber += 1
            return .next(URLText.settingQuery(baseURL, param, String(pageNumber)))
        case .offset(let offsetParam, let limitParam, let limit)?:
            if let items = items(of: page) {
                if items.isEmpty { return .empty }
                if items.count < limit { return .last }
            }
            offset += limit
            return .next(URLText.settingQuery(URLText.settingQuery(baseURL, offsetParam, String(offset)), limitParam, String(limit)))
        case .cursor(let path, let param)?:
            guard let document = page.document, let value = path.value(in: document),
                let cursor = VariableScope.text(value), !cursor.isEmpty, cursor != "false", cursor != previousCursor
            else {
                return .last
            }
            previousCursor = cursor
            return .next(URLText.settingQuery(baseURL, param, cursor))
        case .linkHeader?:
            guard let next = LinkHeader.next(in: page.linkHeaders) else { return .last }
            let url = URLText.resolve(next, against: page.url)
            return url == page.url ? .last : .next(url)
        case .graphqlCursor(let path, let variable)?:
            guard let document = page.document, let info = path.value(in: document),
                info["hasNextPage"] == .bool(true), case .string(let cursor)? = info["endCursor"], !cursor.isEmpty,
                cursor != previousCursor
            else { return .last }
            previousCursor = cursor
            return .nextCursor(variable: variable, cursor: cursor)
        case .nextURL(let path)?:
            guard let document = page.document, let value = path.value(in: document),
                case .string(let next) = value, !next.isEmpty
            else { return .last }
            let url = URLText.resolve(next, against: page.url)
            return url == page.url ? .last : .next(url)
        }
    }
}

extension Paginator {
    /// How many pages the system says there are, when it says.
    func totalPages(of page: Page, total: Pagination.PageTotal?, size: Int?) -> Int? {
        func number(_ value: JSON?) -> Int? {
            switch value {
            case .number(let number)?: Int(exactly: number.rounded())
            case .string(let text)?: Int(text.trimmingWhitespace())
            default: nil
            }
        }
        switch total {
        case .pagesHeader(let name)?: return page.header(name).flatMap { Int($0.trimmingWhitespace()) }
        case .pagesPath(let path)?: return page.document.flatMap { number(path.value(in: $0)) }
        case .countPath(let path)?:
            guard let count = page.document.flatMap({ number(path.value(in: $0)) }), let size, size > 0 else { return nil }
            return (count + size - 1) / size
        case nil: return nil
        }
    }
}

/// RFC 8288 `Link` headers: `<https://api.example/orders?page=2>; rel="next", <…>; rel="last"`.
enum LinkHeader {
    /// The target of the first link whose `rel` includes `next`.
    static func next(in values: [String]) -> String? {
        for value in values {
            for link in splitLinks(value) {
                guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else { continue }
                let target = String(link[link.index(after: open)..<close])
                let parameters = link[link.index(after: close)...].split(separator: ";")
                for parameter in parameters {
                    let parts = parameter.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingCharacters().lowercased() == "rel" else { continue }
                    let relations = parts[1].trimmingCharacters().trimmingQuotes().lowercased().split(separator: " ")
                    if relations.contains("next") { return target }
                }
            }
        }
        return nil
    }

    /// Splits a header value on the commas between links, not those inside `<…>` or quotes.
    private static func splitLinks(_ value: String) -> [Substring] {
        var links: [Substring] = []
        var start = value.startIndex
        var inTarget = false
        var inQuotes = false
        var index = value.startIndex
        while index < value.endIndex {
            switch value[index] {
            case "<" where !inQuotes: inTarget = true
            case ">" where !inQuotes: inTarget = false
            case "\"" where !inTarget: inQuotes.toggle()
            case "," where !inTarget && !inQuotes:
                links.append(value[start..<index])
                start = value.index(after: index)
            default: break
            }
            index = value.index(after: index)
        }
        links.append(value[start...])
        return links
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var slice = self
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return slice
    }

    fileprivate func trimmingQuotes() -> Substring {
        var slice = self
        if slice.first == "\"" { slice.removeFirst() }
        if slice.last == "\"" { slice.removeLast() }
        return slice
    }
}
