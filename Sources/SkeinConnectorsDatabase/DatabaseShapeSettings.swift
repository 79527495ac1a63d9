import JSONata
import SkeinCore
import SkeinJSON

/// The settings of one `database:` step, read and checked when the flow is read: either a
/// `query` (rows become a JSON payload) or an `insert` (rows from a payload go into a table).
///
/// ```yaml
/// database: { instance: erp-db, query: "SELECT * FROM orders WHERE updated_at > $1",
///             parameters: ["{{variables.since}}"] }
/// database: { instance: erp-db, insert: { table: orders, rows: "orders", upsert_on: [id] } }
/// ```
struct DatabaseShapeSettings: Sendable {
    enum Operation: Sendable {
        case query(sql: String, parameters: [Parameter])
        case insert(InsertSettings)
    }

    struct InsertSettings: Sendable {
        var table: QualifiedName
        /// JSONata over each input payload giving an array of row objects (`$` is the payload).
        var rows: JSONataExpression
        var upsertOn: [String]
    }

    var instance: String
    var operation: Operation

    static func read(_ reader: SettingsReader) -> DatabaseShapeSettings? {
        let instance = reader.string("instance", required: true)
        let query = reader.string("query")
        var parameters: [Parameter] = []
        if let list = reader.array("parameters") {
            for (index, element) in list.enumerated() {
                do { parameters.append(try Parameter(element)) } catch {
                    reader.problems.add(reader.childPath("parameters") + "[\(index)]", error.message)
                }
            }
        }
        var insert: InsertSettings?
        if let object = reader.object("insert") {
            insert = readInsert(object)
        }
        switch (query, reader.has("insert")) {
        case (nil, false): reader.report("query", "set either 'query' (a SELECT) or 'insert' (rows into a table)")
        case (.some, true): reader.report("insert", "set either 'query' or 'insert', not both")
        case (nil, true) where reader.has("parameters"): reader.report("parameters", "applies to 'query' only")
        default: break
        }
        reader.finish()
        guard reader.problems.isEmpty, let instance else { return nil }
        if let query { return DatabaseShapeSettings(instance: instance, operation: .query(sql: query, parameters: parameters)) }
        guard let insert else { return nil }
        return DatabaseShapeSettings(instance: instance, operation: .insert(insert))
    }

    private static func readInsert(_ reader: SettingsReader) -> InsertSettings? {
        let tableText = reader.string("table", required: true)
        let rowsText = reader.string("rows")
        var upsertOn: [String] = []
        if let list = reader.array("upsert_on") {
            for (index, element) in list.enumerated() {
                guard case .string(let column) = element, !column.isEmpty else {
                    reader.problems.add(reader.childPath("upsert_on") + "[\(index)]", "expected a column name")
                    continue
                }
                upsertOn.append(column)
            }
            if list.isEmpty { reader.report("upsert_on", "list at least one column, or leave it out for plain inserts") }
        }
        var table: QualifiedName?
        if let tableText {
            do { table = try QualifiedName(tableText) } catch { reader.report("table", error.message) }
        }
        var rows: JSONataExpression?
        do { rows = try JSONataExpression(compiling: rowsText ?? "$") } catch {
            reader.report("rows", "is not a valid JSONata expression: \(error)")
        }
        reader.finish()
        guard let table, let rows else { return nil }
        return InsertSettings(table: table, rows: rows, upsertOn: upsertOn)
    }
}

/// One bound parameter of a query, from one of:
///
/// - `"{{variables.since}}"` (or `"{{since}}"`): a flow variable;
/// - any other string: a JSONata expression over the input payload (`"customer.id"`,
///   `"$now()"`, `"'shipped'"` for a literal string), with `$variables` bound to the flow variables;
/// - a number, `true`/`false` or `null`: that value.
///
/// Values are always sent as bound parameters, never spliced into the SQL.
enum Parameter: Sendable {
    case variable(String)
    case expression(JSONataExpression)
    case literal(JSON)

    struct Problem: Error { let message: String }

    init(_ value: JSON) throws(Problem) {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingSpaces()
            if trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") {
                var name = String(trimmed.dropFirst(2).dropLast(2)).trimmingSpaces()
                if name.hasPrefix("variables.") { name.removeFirst("variables.".count) }
                guard !name.isEmpty, !name.contains("{"), !name.contains("}") else {
                    throw Problem(message: "'\(text)' is not a {{variables.name}} reference")
                }
                self = .variable(name)
                return
            }
            do { self = .expression(try JSONataExpression(compiling: text)) } catch {
                throw Problem(message: "'\(text)' is neither {{variables.name}} nor a valid JSONata expression: \(error)")
            }
        case .object, .array:
            throw Problem(message: "expected {{variables.name}}, a JSONata expression, a number, a boolean or null")
        default:
            self = .literal(value)
        }
    }

    /// The value for one run of the query; a missing variable is an error naming it.
    func value(input: JSON?, variables: [String: JSON], position: Int) throws(ShapeFailure) -> JSON {
        switch self {
        case .literal(let value): return value
        case .variable(let name):
            guard let value = variables[name] else {
                throw ShapeFailure("parameter $\(position): the flow has no variable '\(name)'")
            }
            return value
        case .expression(let expression):
            do {
                return try expression.evaluate(input: input, bindings: ["variables": .object(.init(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))]) ?? .null
            } catch {
                throw ShapeFailure("parameter $\(position) ('\(expression.source)'): \(error)")
            }
        }
    }
}

/// A table name, optionally with its schema (`orders`, `sales.orders`), quoted safely as an identifier.
struct QualifiedName: Sendable, Equatable, CustomStringConvertible {
    let parts: [String]
    struct Problem: Error { let message: String }

    init(_ text: String) throws(Problem) {
        parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw Problem(message: "'\(text)' is not a table name (table or schema.table)")
        }
    }

    var quoted: String { parts.map(SQLText.quoteIdentifier).joined(separator: ".") }
    var description: String { parts.joined(separator: ".") }
}

enum SQLText {
    /// `"name"`, with embedded quotes doubled: a column from a payload cannot break out of it.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
