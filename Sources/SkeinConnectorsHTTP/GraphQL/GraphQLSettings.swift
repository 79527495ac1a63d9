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

    static func read(_ reader: SettingsReader) -> GraphQLSettings? {
        let query = reader.string("query", required: true)
        let variables = reader.raw("variables") ?? .object([:])
        if case .object = variables {
            JSONTemplate.check(variables, path: reader.childPath("variables"), problems: reader.problems)
        } else {
            reader.report("variables", "expected an object of GraphQL variables, found \(variables.typeName)")
        }
        let userErrorsPath = reader.fieldPath("user_errors_path")
        reader.finish()
        guard let query else { return nil }
        return GraphQLSettings(query: query, variables: JSONTemplate(value: variables), userErrorsPath: userErrorsPath)
    }

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
