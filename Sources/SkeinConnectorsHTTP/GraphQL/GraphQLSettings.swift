import SkeinCore
import SkeinJSON

/// `graphql:` on an `http` step: the request is a GraphQL operation, POSTed as
/// `{"query": …, "variables": {…}}` to the step's `path`.
///
/// ```yaml
/// graphql:
///   query: |
///     query Orders($first: Int!, $after: String) {
///       orders(first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } }
///     }
///   variables: { first: 50 }
///   user_errors_path: data.fulfillmentCreate.userErrors   # mutations: a non-empty list here fails the payload
/// pagination: { type: graphql_cursor, page_info_path: data.orders.pageInfo }
/// items_path: data.orders.nodes
/// ```
///
/// GraphQL answers HTTP 200 even when the operation failed: an `errors` list in the answer is
/// a failure (transient when its code says the server was busy or throttled), and so is a
/// non-empty `user_errors_path` list, the way mutations report invalid input.
struct GraphQLSettings: Sendable {
    var query: String
    var variables: JSONTemplate
    var userErrorsPath: FieldPath?

    static let spec = ObjectSpec(
        [
            FieldSpec("query", .string(TextRules(nonEmpty: true)), required: true, help: "The GraphQL query or mutation."),
            FieldSpec(
                "variables", .json(.object), default: [:],
                help:
                    "The operation's variables; strings may hold `{{placeholders}}`, and a string that is exactly one placeholder takes its value's JSON type."),
            FieldSpec("user_errors_path", .fieldPath, help: "Mutations: a non-empty list here fails the payload (how mutations report invalid input)."),
        ],
        rules: [
            .check(
                ObjectCheck("The strings of `variables` are valid templates.") { settings in
                    guard let variables = settings.optional.json("variables") else { return }
                    JSONTemplate.check(variables, path: settings.childPath("variables"), problems: settings.problems)
                })
        ])

    /// The request body for one request: the variables rendered, plus the page cursor.
    func body(scope: VariableScope, cursor: (variable: String, value: String)?) throws(ShapeFailure) -> [UInt8] {
        var variables = try self.variables.render(scope, setting: "graphql.variables")
        if let cursor, case .object(var members) = variables {
            members[cursor.variable] = .string(cursor.value)
            variables = .object(members)
        }
        let document: JSON = ["query": .string(query), "variables": variables]
        return document.serializedBytes()
    }
}

extension GraphQLSettings {
    init(_ settings: ValidSettings) {
        self.init(
            query: settings.string("query"), variables: JSONTemplate(value: settings.json("variables")),
            userErrorsPath: settings.optional.fieldPath("user_errors_path"))
    }
}
