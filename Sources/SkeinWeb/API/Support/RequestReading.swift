import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

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

extension Inputs {
    /// The query string of a request (values arrive percent-decoded).
    init(_ request: Request) {
        self.init(pairs: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
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

    /// An object of strings (instance variables and credentials, blueprint settings); nil when absent.
    func strings(_ name: String) throws -> [String: String]? {
        guard let value = self[name], value != .null else { return nil }
        guard case .object(let members) = value else { throw APIError.invalid(name, "\(name) must be an object of strings") }
        var result: [String: String] = [:]
        for (key, member) in members {
            guard case .string(let text) = member else { throw APIError.invalid("\(name).\(key)", "\(name).\(key) must be a string") }
            result[key] = text
        }
        return result
    }
}

extension JSONResponse {
    static func ok(_ body: JSON) -> Response { make(status: .ok, body) }
}
