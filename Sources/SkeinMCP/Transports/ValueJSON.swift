import Foundation
import MCP
import SkeinJSON

/// Between the MCP SDK's `Value` and Skein's `JSON`: tool arguments come in as `Value`, answers
/// leave as `Value` (structured content) and as JSON text.
enum ValueJSON {
    static func json(_ value: Value) -> JSON {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .number(Double(number))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        // The SDK reads a string that looks like a data URL as data; to a tool it is the text it was.
        case .data(let mimeType, let data): .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): .array(items.map(json))
        case .object(let members): .object(JSON.Object(uniqueKeysWithValues: members.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) }))
        }
    }

    static func value(_ json: JSON) -> Value {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number):
            number == number.rounded() && abs(number) < 9e15 ? .int(Int(number)) : .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(value))
        case .object(let members): .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, value($0.value)) }))
        }
    }
}
