import SkeinCore
import SkeinJSON

/// What a GraphQL answer says beyond its data: errors, and what the query cost.
///
/// The GraphQL spec puts failures in a top-level `errors` list (each with a `message`, and
/// often `extensions.code`), next to whatever `data` could be computed. Shopify adds
/// `extensions.cost` with `requestedQueryCost`, `actualQueryCost` and
/// `throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}`, and answers a query
/// its bucket cannot afford with the error code `THROTTLED`.
enum GraphQLReply {
    /// Error codes that mean "not now": retrying later can succeed.
    static let transientCodes: Set<String> = ["THROTTLED", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]

    /// The `errors` of an answer, as one sentence, and whether they are all transient; nil without errors.
    static func errors(in document: JSON) -> (message: String, transient: Bool, throttled: Bool)? {
        guard case .array(let errors)? = document["errors"], !errors.isEmpty else { return nil }
        var messages: [String] = []
        var codes: [String] = []
        for error in errors {
            var message = error["message"]?.stringValue ?? error.serialized()
            if case .array(let path)? = error["path"], !path.isEmpty {
                message = path.compactMap(VariableScope.text).joined(separator: ".") + ": " + message
            }
            let code = error["extensions"]?["code"]?.stringValue
            if let code { codes.append(code); message += " (\(code))" }
            messages.append(message)
        }
        let transient = !codes.isEmpty && codes.count == errors.count && codes.allSatisfy(transientCodes.contains)
        return ("GraphQL error\(errors.count == 1 ? "" : "s"): " + messages.joined(separator: "; "), transient, codes.contains("THROTTLED"))
    }

    /// The user errors of a mutation (`[{field: [...], message}]`) as one sentence; nil when none.
    static func userErrors(in document: JSON, at path: FieldPath) -> String? {
        guard case .array(let errors)? = path.value(in: document), !errors.isEmpty else { return nil }
        let messages = errors.map { error -> String in
            let message = error["message"]?.stringValue ?? error.serialized()
            switch error["field"] {
            case .array(let field)? where !field.isEmpty: return field.compactMap(VariableScope.text).joined(separator: ".") + ": " + message
            case .string(let field)?: return field + ": " + message
            default: return message
            }
        }
        return "the system refused it: " + messages.joined(separator: "; ")
    }
}
