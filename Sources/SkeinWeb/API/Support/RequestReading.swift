import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON

/// Reading path parameters, query parameters and JSON bodies, with 400 `invalid_field`
/// errors that name the field.
extension SkeinRequestContext {
    func int64(_ name: String) throws -> Int64 {
        guard let text = parameters.get(name), let value = Int64(text) else {
            throw APIError.invalid(name, "'\(parameters.get(name) ?? "")' is not a number; \(name) is a numeric id")
        }
        return value
    }

    /// A typed id (`RunID`, `SyncEntryID`) from the path.
    func id<ID: NumericID>(_ name: String, as type: ID.Type = ID.self) throws -> ID { ID(try int64(name)) }

    func string(_ name: String) throws -> String {
        guard let text = parameters.get(name), !text.isEmpty else { throw APIError.invalid(name, "\(name) is missing") }
        return text.removingPercentEncoding ?? text
    }
}

/// The query string of a request, read field by field.
struct Query {
    let parameters: [String: [String]]

    init(_ request: Request) {
        var parameters: [String: [String]] = [:]
        // Values arrive percent-decoded.
        for (key, value) in request.uri.queryParameters { parameters[String(key), default: []].append(String(value)) }
        self.parameters = parameters
    }

    init(parameters: [String: [String]]) { self.parameters = parameters }

    /// The value; an empty value (`flow=`) counts as absent.
    func string(_ name: String) -> String? { parameters[name]?.last.flatMap { $0.isEmpty ? nil : $0 } }
    /// Repeated (`status=a&status=b`) and comma-separated (`status=a,b`) values alike.
    func list(_ name: String) -> [String] {
        (parameters[name] ?? []).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return value
    }

    /// A non-negative id.
    func int64(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), value >= 0 else { throw APIError.invalid(name, "\(name) must be an id (a number from 0), found '\(text)'") }
        return value
    }

    /// A typed id (`RunID`, `SyncEntryID`), when given.
    func id<ID: NumericID>(_ name: String, as type: ID.Type = ID.self) throws -> ID? { try int64(name).map { ID($0) } }

    /// One of `choices`; present but empty is an error too.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = parameters[name]?.last else { return nil }
        guard choices.contains(text) else { throw APIError.invalid(name, "\(name) must be one of \(choices.joined(separator: ", ")), found '\(text)'") }
        return text
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.invalid(name, "\(name) must be true or false, found '\(text)'")
        }
    }

    /// A UTC date (`2026-05-01`; with `endOfDay` its last millisecond) or date-time (`2026-05-01T12:00:00Z`).
    func date(_ name: String, endOfDay: Bool = false) throws -> Date? {
        guard let text = parameters[name]?.last else { return nil }
        if text.count == 10, let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) {
            return endOfDay ? day.addingTimeInterval(86400 - 0.001) : day
        }
        if let time = try? Date(text, strategy: .iso8601) { return time }
        throw APIError.invalid(name, "\(name) must be a UTC date (2026-05-01) or time (2026-05-01T12:00:00Z), found '\(text)'")
    }

    /// Values of an enumeration, each checked.
    func values<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> [T] where T.RawValue == String {
        try (parameters[name] ?? []).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }.map { text in
            guard let value = T(rawValue: text.lowercased()) else {
                throw APIError.invalid(name, "unknown \(name) '\(text)'; use \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
    }
}

/// The most of a JSON body the API reads (flow files, expressions, inline payloads).
let maximumJSONBodyBytes = 10 * 1024 * 1024

extension Request {
    /// The body as text: 413 past `limit` (from `Content-Length` before reading, else while
    /// reading), 400 when it is not UTF-8 (never decoded with replacement characters).
    mutating func text(limit: Int = maximumJSONBodyBytes) async throws -> String {
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError(.bodyTooLarge, "the body is larger than \(limit) bytes")
        }
        let buffer: ByteBuffer
        do { buffer = try await collectBody(upTo: limit) } catch {
            throw APIError(.bodyTooLarge, "the body is larger than \(limit) bytes")
        }
        try UTF8Check.require(buffer.readableBytesView)
        return String(buffer: buffer)
    }

    /// The body as a JSON object; 400 naming line and column when it is not one.
    mutating func jsonObject(limit: Int = maximumJSONBodyBytes, allowEmpty: Bool = false) async throws -> JSON.Object {
        let text = try await self.text(limit: limit)
        if allowEmpty && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
        let document: JSON
        do { document = try JSON(parsing: Array(text.utf8)) } catch {
            throw APIError(.invalidBody, "the body is not valid JSON: \(error)")
        }
        guard case .object(let object) = document else {
            throw APIError(.invalidBody, "the body must be a JSON object, found \(document.typeName)")
        }
        return object
    }
}

/// Typed reading of JSON body members, 400 naming the member.
extension JSON.Object {
    func string(_ name: String, required: Bool = false) throws -> String? {
        guard let value = self[name], value != .null else {
            if required { throw APIError.invalid(name, "\(name) is required") }
            return nil
        }
        guard case .string(let text) = value else { throw APIError.invalid(name, "\(name) must be a string, found \(value.typeName)") }
        return text
    }

    func int(_ name: String) throws -> Int? {
        guard let value = self[name], value != .null else { return nil }
        guard case .number(let number) = value, number == number.rounded(), abs(number) < 1e15 else {
            throw APIError.invalid(name, "\(name) must be a whole number, found \(value.serialized())")
        }
        return Int(number)
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = self[name], value != .null else { return nil }
        guard case .bool(let flag) = value else { throw APIError.invalid(name, "\(name) must be true or false, found \(value.typeName)") }
        return flag
    }
}

extension JSONResponse {
    static func ok(_ body: JSON) -> Response { make(status: .ok, body) }
}
