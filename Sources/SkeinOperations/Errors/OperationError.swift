public import SkeinJSON

/// Why an operation did not happen, said once for every front end: the API answers it as
/// `{"error": {"code", "message", "field"}}` with the same `code`, the CLI prints `message`,
/// the web UI shows it on the page and the MCP server returns it as the tool's error.
///
/// `code` is stable (scripts branch on it): codes are only ever added, never renamed, and each
/// has the same name as the API's `APIError` code. `message` is for people and never holds a
/// secret; `field` names the parameter at fault (`status`, `days`, `after`, …).
public struct OperationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The thing does not exist (or the caller may not know whether it does).
        case notFound = "not_found"
        /// A parameter or field is missing or wrong; `field` names it.
        case invalidField = "invalid_field"
        /// The request as a whole is unreadable (not JSON, not an object).
        case invalidBody = "invalid_body"
        /// A flow file with problems; `details.problems` lists each with its path.
        case invalidFlow = "invalid_flow"
        /// Nobody is signed in.
        case unauthenticated
        /// The caller's role does not allow this.
        case forbidden
        /// It conflicts with what exists: a run already finished, a name taken, nothing to replay.
        case conflict
        /// The server is set up without what this needs.
        case misconfigured
        /// The store cannot be reached; try again later.
        case unavailable
    }

    public var code: Code
    public var message: String
    public var field: String?
    /// Structured facts for programs (a flow's problems).
    public var details: JSON?

    public init(_ code: Code, _ message: String, field: String? = nil, details: JSON? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.details = details
    }

    /// `invalid_field` naming the field.
    public static func invalid(_ field: String, _ message: String) -> OperationError {
        OperationError(.invalidField, message, field: field)
    }

    public static func notFound(_ message: String) -> OperationError { OperationError(.notFound, message) }
    public static func conflict(_ message: String) -> OperationError { OperationError(.conflict, message) }

    public var description: String { message }
}
