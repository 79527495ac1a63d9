public import Hummingbird
import NIOCore
import SkeinJSON
public import SkeinOperations

/// An error the HTTP API answers with, as `{"error": {"code": "...", "message": "..."}}`.
///
/// `code` is stable: clients and scripts branch on it, so codes are only ever added, never
/// renamed. `message` is for people and may change wording; it never holds a secret.
public struct APIError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The resource does not exist, or the caller may not know whether it does (a wrong webhook token).
        case notFound = "not_found"
        /// The request body is not valid for its content type (e.g. malformed JSON).
        case invalidBody = "invalid_body"
        /// A required signature is missing or does not match the body.
        case invalidSignature = "invalid_signature"
        /// The body exceeds the size allowed for this endpoint.
        case bodyTooLarge = "body_too_large"
        /// The server is set up wrongly for this request (e.g. a missing HMAC secret variable).
        case misconfigured
        /// Nobody is signed in and no valid API token was sent.
        case unauthenticated
        /// The caller is known but their role does not allow this.
        case forbidden
        /// A state-changing browser request without the session's CSRF token.
        case csrfFailed = "csrf_failed"
        /// A flow file with problems; `details.problems` lists each with its path.
        case invalidFlow = "invalid_flow"
        /// A parameter or body field is missing or wrong; `field` names it.
        case invalidField = "invalid_field"
        /// The route exists but not with this method (the `Allow` header lists those it has).
        case methodNotAllowed = "method_not_allowed"
        /// The request conflicts with what exists (a name already taken, a run already finished).
        case conflict
        /// Too many attempts (sign-in failures); wait and try again.
        case rateLimited = "rate_limited"
        /// The store cannot be reached; try again later.
        case unavailable
        /// Anything unexpected; details are in the server log.
        case internalError = "internal_error"
    }

    public var code: Code
    public var message: String
    /// The request field at fault (a query parameter, a JSON member or a path part).
    public var field: String?
    /// Structured facts about the error (a flow's problems), for programs.
    public var details: JSON?

    public init(_ code: Code, _ message: String, field: String? = nil, details: JSON? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.details = details
    }

    /// An operation's error, with the same code, message and field.
    public init(_ error: OperationError) {
        self.init(Code(rawValue: error.code.rawValue) ?? .internalError, error.message, field: error.field, details: error.details)
    }

    /// 400 `invalid_field` naming the field.
    public static func invalid(_ field: String, _ message: String) -> APIError { APIError(.invalidField, message, field: field) }

    public var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .invalidBody, .invalidField, .invalidFlow: .badRequest
        case .conflict: .conflict
        case .methodNotAllowed: .methodNotAllowed
        case .rateLimited: .tooManyRequests
        case .invalidSignature, .unauthenticated: .unauthorized
        case .forbidden, .csrfFailed: .forbidden
        case .bodyTooLarge: .contentTooLarge
        case .misconfigured, .internalError: .internalServerError
        case .unavailable: .serviceUnavailable
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public var json: JSON {
        var error: JSON.Object = ["code": .string(code.rawValue), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        if let details { error["details"] = details }
        return ["error": .object(error)]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: status, json)
    }
}
