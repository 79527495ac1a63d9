/// The few URL operations the connector needs, on plain strings.
///
/// The connector builds URLs by joining (`https://shop.example/api` + `/orders` is
/// `https://shop.example/api/orders`, not RFC 3986 resolution, which would drop `/api`),
/// adds query parameters, and resolves the relative links some APIs return for their next
/// page. Working on strings keeps the URL exactly as written: no parser normalises a
/// signed query string behind our back.
enum URLText {
    /// `base` and `path` joined with exactly one `/` between them.
    static func join(_ base: String, _ path: String) -> String {
        if path.isEmpty { return base }
        if path.hasPrefix("?") { return base + path }
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        return path.hasPrefix("/") ? trimmedBase + path : trimmedBase + "/" + path
    }

    /// `url` with `name=value` appended to its query, or the existing value of `name` replaced.
    static func settingQuery(_ url: String, _ name: String, _ value: String) -> String {
        let (beforeFragment, fragment) = split(url, at: "#")
        let (location, query) = split(beforeFragment, at: "?")
        let encodedName = percentEncode(name, keeping: unreserved)
        let pair = encodedName + "=" + percentEncode(value, keeping: unreserved)
        var pairs = query.map { $0.split(separator: "&", omittingEmptySubsequences: true).map(String.init) } ?? []
        if let index = pairs.firstIndex(where: { queryName(of: $0) == encodedName || queryName(of: $0) == name }) {
            pairs[index] = pair
        } else {
            pairs.append(pair)
        }
        return location + "?" + pairs.joined(separator: "&") + (fragment.map { "#" + $0 } ?? "")
    }

    /// The (still encoded) name of a `name=value` query pair.
    static func queryName(of pair: String) -> String {
        String(pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The query pairs of `url`, decoded.
    static func queryItems(_ url: String) -> [(name: String, value: String)] {
        let (beforeFragment, _) = split(url, at: "#")
        guard let query = split(beforeFragment, at: "?").1 else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (percentDecode(String(parts[0])), parts.count > 1 ? percentDecode(String(parts[1])) : "")
        }
    }

    /// `scheme://host:port` of an absolute URL, lowercased, with the default port made explicit
    /// and any `user:password@` dropped; nil for a relative reference.
    static func origin(_ url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
        if !hasPort { host += scheme == "https" ? ":443" : ":80" }
        return scheme + "://" + host
    }

    /// Resolves a link from a response (`Link` header, `links.next`) against the URL of the
    /// page it came from: absolute URLs are kept, `/path` keeps the origin, `?query`
    /// keeps the path, and `page2` replaces the last path segment.
    static func resolve(_ reference: String, against current: String) -> String {
        if origin(reference) != nil { return reference }
        guard let schemeEnd = current.range(of: "://") else { return reference }
        let afterScheme = current[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let originPart = String(current[..<authorityEnd])
        if reference.hasPrefix("//") { return String(current[..<schemeEnd.lowerBound]) + ":" + reference }
        if reference.hasPrefix("/") { return originPart + reference }
        let (beforeFragment, _) = split(current, at: "#")
        let (location, _) = split(beforeFragment, at: "?")
        if reference.hasPrefix("?") { return location + reference }
        let path = String(location.dropFirst(originPart.count))
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
        return originPart + directory + reference
    }

    /// The URL as it may be shown: no `user:password@`, and the values of the query
    /// parameters in `secretNames` replaced by `[redacted]`.
    static func display(_ url: String, secretQueryNames: Set<String>) -> String {
        var shown = url
        if let schemeEnd = shown.range(of: "://") {
            let afterScheme = shown[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
            if let at = afterScheme[..<authorityEnd].lastIndex(of: "@") {
                shown = String(shown[..<schemeEnd.upperBound]) + "[redacted]@" + String(shown[shown.index(after: at)...])
            }
        }
        guard !secretQueryNames.isEmpty else { return shown }
        let (beforeFragment, fragment) = split(shown, at: "#")
        let (location, query) = split(beforeFragment, at: "?")
        guard let query else { return shown }
        let lowered = Set(secretQueryNames.map { $0.lowercased() })
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let name = queryName(of: String(pair))
            guard lowered.contains(percentDecode(name).lowercased()) else { return String(pair) }
            return name + "=[redacted]"
        }
        return location + "?" + pairs.joined(separator: "&") + (fragment.map { "#" + $0 } ?? "")
    }

    // MARK: Percent-encoding

    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    /// What a value substituted into a path may keep: unreserved characters and the path
    /// punctuation that cannot change the URL's structure (`/` stays, so `{{version}}` can be `v2/beta`).
    static let pathSafe: Set<UInt8> = unreserved.union("/:@!$'()*,;".utf8)

    static func percentEncode(_ text: String, keeping allowed: Set<UInt8>) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed.contains(byte) {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                result += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0F)]
            }
        }
        return result
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF").map(String.init)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }
}
