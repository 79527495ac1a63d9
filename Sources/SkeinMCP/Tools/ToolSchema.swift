import SkeinCore
import SkeinJSON
import SkeinOperations

/// JSON Schema pieces for the tools' arguments: every property carries a description, since the
/// model reads the schema to decide what to send.
enum ToolSchema {
    /// `{"type": "object", "properties": …, "required": …, "additionalProperties": false}`.
    static func object(_ properties: [(String, JSON)], required: [String] = []) -> JSON {
        var schema: JSON.Object = ["type": "object", "properties": .object(.init(uniqueKeysWithValues: properties))]
        if !required.isEmpty { schema["required"] = .array(required.map(JSON.string)) }
        schema["additionalProperties"] = false
        return .object(schema)
    }

    static func string(_ description: String, choices: [String]? = nil) -> JSON {
        var schema: JSON.Object = ["type": "string", "description": .string(description)]
        if let choices { schema["enum"] = .array(choices.map(JSON.string)) }
        return .object(schema)
    }

    static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil, defaultValue: Int? = nil) -> JSON {
        var schema: JSON.Object = ["type": "integer", "description": .string(description)]
        if let minimum { schema["minimum"] = .number(Double(minimum)) }
        if let maximum { schema["maximum"] = .number(Double(maximum)) }
        if let defaultValue { schema["default"] = .number(Double(defaultValue)) }
        return .object(schema)
    }

    static func boolean(_ description: String, defaultValue: Bool? = nil) -> JSON {
        var schema: JSON.Object = ["type": "boolean", "description": .string(description)]
        if let defaultValue { schema["default"] = .bool(defaultValue) }
        return .object(schema)
    }

    /// One value or a list of them (`"failure"` or `["failure", "stopped"]`), each one of `choices` when given.
    static func strings(_ description: String, choices: [String]? = nil) -> JSON {
        var item: JSON.Object = ["type": "string"]
        if let choices { item["enum"] = .array(choices.map(JSON.string)) }
        return ["description": .string(description), "anyOf": [.object(item), ["type": "array", "items": .object(item)]]]
    }

    /// The argument every changing tool takes.
    static let confirm = ("confirm", boolean("true to do it; without it (or false) the answer is a preview of what would happen.", defaultValue: false))

    /// A run id.
    static let run = ("run", integer("The run's id (from search_runs).", minimum: 0))

    // MARK: - Filters (the names RunFilter and SyncFilter read)

    /// `RunFilter`'s names, without `status` when `withStatus` is false (failures set it themselves).
    static func runFilter(withStatus: Bool = true, withPaging: Bool = true) -> [(String, JSON)] {
        var properties: [(String, JSON)] = []
        if withStatus { properties.append(("status", strings("Only runs with this status (one or a list).", choices: RunStatus.allCases.map(\.rawValue)))) }
        properties += [
            ("flow", string("Only runs of this flow id.")),
            ("trigger", strings("Only runs started this way (one or a list).", choices: TriggerKind.allCases.map(\.rawValue))),
            ("days", integer("How many days back to look when from is not given.", minimum: 1, maximum: RunFilter.maximumDays)),
            ("from", string("Only runs queued at or after this UTC date (2026-05-01) or time (2026-05-01T12:00:00Z).")),
            ("to", string("Only runs queued at or before this UTC date (the whole day) or time.")),
            ("has_warnings", boolean("Only runs with a warning in some step.")),
        ]
        if withStatus { properties.append(("unrecovered", boolean("Only failed runs that no later replay or retry recovered."))) }
        if withPaging {
            properties += [
                ("before", integer("The next page: runs older than this run id (the previous answer's next_before).", minimum: 0)),
                ("limit", integer("At most this many runs.", minimum: 1, maximum: RunFilter.maximumLimit, defaultValue: 50)),
            ]
        }
        return properties
    }

    /// `SyncFilter`'s names; with `withPaging` also sort, order, limit and after.
    static func syncFilter(withPaging: Bool = true) -> [(String, JSON)] {
        var properties: [(String, JSON)] = [
            ("status", strings("Only entries with this status (one or a list).", choices: SyncStatus.allCases.map(\.rawValue))),
            ("system", strings("Only entries sent to this system (one or a list).")),
            ("flow", strings("Only entries of this flow id (one or a list).")),
            ("search", string("A sync id, or part of a reference (an order number) or a system.")),
            (
                "days",
                integer(
                    "How many days back to look when from is not given.", minimum: 1, maximum: SyncQuery.maximumDays,
                    defaultValue: SyncQuery.defaultDays)
            ),
            ("from", string("Only entries attempted at or after this UTC date (2026-05-01) or time.")),
            ("to", string("Only entries attempted at or before this UTC date (the whole day) or time.")),
        ]
        if withPaging {
            properties += [
                ("sort", string("The column to sort by.", choices: SyncSortColumn.allCases.map(\.rawValue))),
                ("order", string("asc or desc (time columns sort newest first by default).", choices: ["asc", "desc"])),
                ("limit", integer("At most this many entries.", minimum: 1, maximum: SyncFilter.maximumLimit, defaultValue: 50)),
                ("after", string("The next page: the previous answer's next.")),
            ]
        }
        return properties
    }
}
