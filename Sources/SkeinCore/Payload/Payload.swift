public import SkeinJSON

/// One unit of data moving between shapes: an order, a page of products, a CSV file.
///
/// A shape receives a list of payloads and returns a list (a paginated receive yields one
/// payload per page; a split yields one per item). JSON payloads travel parsed, so shapes
/// never re-encode between each other; anything else (CSV, XML, a PDF) travels as the exact
/// bytes that arrived, with its content type, and is stored and downloaded byte for byte.
///
/// A JSON payload can keep the bytes it was serialised to (`keepBytes()`, done when a step's
/// outputs are stored), so a payload passed on unchanged — through a filter, into a send's
/// request body, its delivery hash and its sync entry — is not serialised again.
public struct Payload: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case json(JSON)
        case bytes([UInt8])
    }

    public var body: Body {
        didSet { keptBytes = nil }
    }
    /// `body`'s JSON serialised, once `keepBytes()` wrote it; forgotten whenever `body` changes.
    private var keptBytes: [UInt8]?
    /// The largest serialisation `keepBytes()` keeps: above it the bytes would stay in memory
    /// beside the parsed document for as long as the payload lives, and serialising again costs
    /// little next to everything else such a payload goes through.
    static let keptBytesLimit = 1 << 20
    /// A MIME type such as `application/json`, `text/csv` or `application/xml`.
    public var contentType: String

    public init(json: JSON) {
        self.body = .json(json)
        self.contentType = Payload.jsonContentType
    }

    public init(bytes: [UInt8], contentType: String) {
        self.body = .bytes(bytes)
        self.contentType = contentType
    }

    public static let jsonContentType = "application/json"

    /// Builds a payload from bytes that arrived from outside, parsing them when the
    /// content type says JSON, so a malformed document is rejected where it entered.
    public static func received(_ bytes: [UInt8], contentType: String?) throws(JSONSyntaxError) -> Payload {
        let type = contentType ?? jsonContentType
        if Payload.isJSON(type) {
            return Payload(json: try JSON(parsing: bytes))
        }
        return Payload(bytes: bytes, contentType: type)
    }

    /// Whether a content type names JSON (`application/json`, `application/vnd.x+json; charset=utf-8`).
    public static func isJSON(_ contentType: String) -> Bool {
        let base = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() } ?? ""
        return base == "application/json" || base.hasSuffix("+json") || base == "text/json"
    }

    /// The payload as JSON, parsing stored bytes when their content type is JSON.
    public func json() throws(PayloadError) -> JSON {
        switch body {
        case .json(let value): return value
        case .bytes(let bytes):
            guard Payload.isJSON(contentType) else { throw PayloadError.notJSON(contentType: contentType) }
            do { return try JSON(parsing: bytes) } catch { throw PayloadError.invalidJSON(error) }
        }
    }

    /// The payload's bytes exactly as they are stored and downloaded.
    public func bytes() -> [UInt8] {
        switch body {
        case .json(let value): return keptBytes ?? value.serializedBytes()
        case .bytes(let bytes): return bytes
        }
    }

    /// `bytes()`, keeping a JSON body's serialisation (up to `keptBytesLimit`) so later calls
    /// of `bytes()` on this payload and its copies return it without serialising again.
    public mutating func keepBytes() -> [UInt8] {
        let bytes = bytes()
        if case .json = body, keptBytes == nil, bytes.count <= Self.keptBytesLimit { keptBytes = bytes }
        return bytes
    }

    /// Equal when body and content type are; kept bytes are a cache and do not count.
    public static func == (lhs: Payload, rhs: Payload) -> Bool {
        lhs.body == rhs.body && lhs.contentType == rhs.contentType
    }

    /// Whether the payload is JSON (parsed or as bytes).
    public var isJSON: Bool { Payload.isJSON(contentType) }
}

/// Why a payload could not be used as a shape needed it.
public enum PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(contentType: String)
    case invalidJSON(JSONSyntaxError)

    public var description: String {
        switch self {
        case .notJSON(let type): "the payload is \(type), not JSON"
        case .invalidJSON(let error): "the payload is not valid JSON: \(error)"
        }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return slice
    }
}

extension String {
    func trimmingSpaces() -> String { String(Substring(self).trimmingSpaces()) }
}

extension Payload {
    /// The payload as JSON for a shape that needs JSON, failing the step with the payload's
    /// position when it is not (`payload 3: the payload is text/csv, not JSON`).
    public func document(index: Int) throws(ShapeFailure) -> JSON {
        do { return try json() } catch { throw ShapeFailure("payload \(index): \(error)") }
    }
}
