import Foundation
import JSONata
public import SkeinCore
import SkeinJSON

/// Finding payloads among a step's many: by reference, by text or by a JSONata condition, a page
/// at a time — one operation for the run page, `GET /api/v1/runs/{run}/steps/{step}/payloads`
/// and `skein payload find`.
///
/// - `reference`: a payload holding this value anywhere in its JSON (a string equal to it, any
///   case, or a number with this text: `#1017`, `1017`), at most `maximumDepth` levels down.
/// - `text`: the payload's stored text contains this, any case (any content type).
/// - `where`: a JSONata condition on the payload's JSON, read as `$boolean` reads a value, under
///   the usual expression limits (`JSONataLimits.default`: time, depth, size); a payload that is
///   not JSON does not match; an expression that fails on one payload is an `invalid_field` error
///   naming the payload.
/// - `offset` and `limit` (1 to `maximumLimit`, default `defaultLimit`) page through the matches
///   (with no filter: through all payloads). The answer holds how many matched in all.
///
/// Filters combine (all must hold). Every payload of the step is read once per search, one at a
/// time, so memory stays flat however many there are.
public struct PayloadSearch: Sendable {
    public var reference: String?
    public var text: String?
    public var condition: String?
    public var offset: Int
    public var limit: Int

    public static let names = ["reference", "text", "where", "offset", "limit"]
    public static let defaultLimit = 50
    public static let maximumLimit = 1000
    /// The longest `reference` or `text`, in characters.
    public static let maximumTermLength = 200
    /// How deep `reference` looks into a payload's JSON.
    public static let maximumDepth = 32

    public var filtered: Bool { reference != nil || text != nil || condition != nil }

    public init(reference: String? = nil, text: String? = nil, condition: String? = nil, offset: Int = 0, limit: Int = PayloadSearch.defaultLimit) {
        self.reference = reference; self.text = text; self.condition = condition; self.offset = offset; self.limit = limit
    }

    /// Reads the search from `Inputs`; a bad value is an `invalid_field` error naming it.
    public init(_ parameters: Inputs, defaultLimit: Int = PayloadSearch.defaultLimit) throws(OperationError) {
        for name in ["reference", "text"] {
            if let term = parameters.string(name), term.count > Self.maximumTermLength {
                throw .invalid(name, "\(name) is \(term.count) characters; at most \(Self.maximumTermLength)")
            }
        }
        self.init(
            reference: parameters.string("reference"), text: parameters.string("text"), condition: parameters.string("where"),
            offset: try parameters.int("offset", in: 0...Int.max) ?? 0,
            limit: try parameters.int("limit", in: 1...Self.maximumLimit) ?? defaultLimit)
    }

    /// A page of matches.
    public struct Page: Sendable {
        public var run: RunRecord
        public var sequence: Int
        /// How many payloads the step has, and how many matched.
        public var payloads: Int
        public var matched: Int
        public var infos: [PayloadInfo]
        /// Where the next page starts, when there is one.
        public var nextOffset: Int?
    }

    /// Compiled once per search.
    struct Matcher {
        let reference: String?
        let text: String?
        let condition: JSONataExpression?

        init(_ search: PayloadSearch) throws(OperationError) {
            reference = search.reference?.lowercased()
            text = search.text?.lowercased()
            if let source = search.condition {
                do { condition = try JSONataExpression(compiling: "$boolean((\n\(source)\n))") } catch {
                    throw .invalid("where", "where is not a valid JSONata expression: \(error)")
                }
            } else {
                condition = nil
            }
        }

        func matches(_ payload: Payload, index: Int) throws(OperationError) -> Bool {
            if let text {
                guard String(decoding: payload.bytes(), as: UTF8.self).lowercased().contains(text) else { return false }
            }
            guard reference != nil || condition != nil else { return true }
            guard payload.isJSON, let document = try? payload.json() else { return false }
            if let reference, !Self.holds(reference, in: document, depth: 0) { return false }
            if let condition {
                do {
                    guard try condition.evaluate(input: document, limits: JSONataLimits.default) == .bool(true) else { return false }
                } catch {
                    throw .invalid("where", "where failed on payload \(index): \(error)")
                }
            }
            return true
        }

        static func holds(_ reference: String, in value: JSON, depth: Int) -> Bool {
            guard depth <= PayloadSearch.maximumDepth else { return false }
            switch value {
            case .string(let text): return text.lowercased() == reference
            case .number: return value.description == reference
            case .array(let items): return items.contains { holds(reference, in: $0, depth: depth + 1) }
            case .object(let members): return members.values.contains { holds(reference, in: $0, depth: depth + 1) }
            default: return false
            }
        }
    }
}

extension RunOperations {
    /// The payloads of a step (`step`: a shape id, a step number, or `input`) that match `search`, a page at a time.
    public func findPayloads(_ caller: Identity?, run id: RunID, step: String, _ search: PayloadSearch) async throws -> PayloadSearch.Page {
        let located = try await payloads(caller, run: id, step: step)
        let matcher = try PayloadSearch.Matcher(search)
        let stepID = StepID(run: located.run.id, sequence: located.sequence)
        var matched = 0
        var page: [PayloadInfo] = []
        for info in located.infos {
            if search.filtered {
                guard let payload = try await store.payload(of: stepID, index: info.index), try matcher.matches(payload, index: info.index) else { continue }
            }
            if matched >= search.offset && page.count < search.limit { page.append(info) }
            matched += 1
        }
        let next = search.offset + page.count < matched ? search.offset + page.count : nil
        return PayloadSearch.Page(
            run: located.run, sequence: located.sequence, payloads: located.infos.count, matched: matched,
            infos: page, nextOffset: next)
    }
}
