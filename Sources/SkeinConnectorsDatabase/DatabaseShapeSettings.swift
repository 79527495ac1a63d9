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

    static let parameter = FieldKind.anyOf(
        [
            .string(
                TextRules(
                    check: TextCheck { text in
                        do throws(Parameter.Problem) { _ = try Parameter(.string(text)); return nil } catch { return error.message }
                    }, syntax: "`{{variables.name}}` (or `{{name}}`) is a flow variable; any other text is JSONata over the input payload.")),
            .json(.scalar),
        ], mismatch: "expected {{variables.name}}, a JSONata expression, a number, a boolean or null")

    static let spec = ObjectSpec(
        [
            FieldSpec(
                "instance", .instance, required: true,
                help: "A `database` instance: address `postgres://user@host:5432/db` or `sqlite:///path`, password as a credential."),
            FieldSpec(
                "query", .string(TextRules(nonEmpty: true)),
                help: "A SELECT; its rows become one JSON payload. Parameters are `$1`, `$2`, … (PostgreSQL) or `?` (SQLite)."),
            FieldSpec(
                "parameters", .list(parameter),
                help:
                    "Values bound to the query's parameters, in order: `{{variables.name}}`, JSONata over the input payload, or a literal; never spliced into the SQL."
            ),
            FieldSpec(
                "insert",
                .object([
                    FieldSpec(
                        "table",
                        .string(
                            TextRules(
                                check: TextCheck { text in
                                    do throws(QualifiedName.Problem) { _ = try QualifiedName(text); return nil } catch { return error.message }
                                })), required: true, help: "`table` or `schema.table`, quoted as an identifier."),
                    FieldSpec("rows", .expression, default: "$", help: "JSONata over each input payload giving a list of row objects (or one object)."),
                    FieldSpec(
                        "upsert_on",
                        .list(
                            .string(TextRules(nonEmpty: true)), minimum: 1,
                            tooFew: "list at least one column, or leave it out for plain inserts"),
                        help: "Columns of a unique key: `ON CONFLICT (…) DO UPDATE SET` every other column."),
                ]), help: "Insert (or upsert) rows from each payload into a table, in one transaction."),
        ],
        rules: [
            .exactlyOne(
                ["query", "insert"], whenNone: RuleMessage("query", "set either 'query' (a SELECT) or 'insert' (rows into a table)"),
                whenSeveral: RuleMessage("insert", "set either 'query' or 'insert', not both")),
            .onlyWhen("parameters", .present("query"), message: "applies to 'query' only"),
        ])
}

extension DatabaseShapeSettings {
    /// The configuration in validated settings.
    init?(_ settings: ValidSettings) {
        let instance = settings.string("instance")
        if let query = settings.optional.string("query") {
            let parameters = (settings.optional.list("parameters") ?? []).compactMap { try? Parameter($0.json) }
            self.init(instance: instance, operation: .query(sql: query, parameters: parameters))
            return
        }
        guard let insert = settings.optional.object("insert"), let table = try? QualifiedName(insert.string("table")) else { return nil }
        let columns = (insert.optional.list("upsert_on") ?? []).compactMap(\.string)
        self.init(instance: instance, operation: .insert(InsertSettings(table: table, rows: insert.expression("rows").jsonata, upsertOn: columns)))
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

    /// The value for one run of the query; a missing variable is an error naming it. Expressions may use `$lookup`.
    func value(input: JSON?, variables: [String: JSON], lookups: RunLookups = .none, position: Int) throws(ShapeFailure) -> JSON {
        switch self {
        case .literal(let value): return value
        case .variable(let name):
            guard let value = variables[name] else {
                throw ShapeFailure("parameter $\(position): the flow has no variable '\(name)'")
            }
            return value
        case .expression(let expression):
            do {
                return try expression.evaluate(
                    input: input,
                    bindings: ["variables": .object(.init(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))],
                    functions: lookups.functions) ?? .null
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
