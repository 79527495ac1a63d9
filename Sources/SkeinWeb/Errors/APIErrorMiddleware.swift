import Hummingbird
import Logging
import SkeinOperations

/// Turns every error a route throws into the JSON error shape: `APIError`s as they are,
/// Hummingbird's own (an unknown route, a bad method) with a matching code, and anything
/// else into a 500 `internal_error` whose details go only to the log.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as OperationError {
            throw APIError(error)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                let allowed = OpenAPIDocument.methods(forPath: request.uri.path)
                if !allowed.isEmpty {
                    var response = try APIError(.methodNotAllowed, "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method)")
                        .response(from: request, context: context)
                    response.headers[.allow] = allowed.joined(separator: ", ")
                    return response
                }
                throw APIError(.notFound, "no such route: \(request.method) \(request.uri.path.redactingWebhookToken)")
            case .contentTooLarge: throw APIError(.bodyTooLarge, "the body is too large")
            default:
                throw APIError(error.status.code >= 500 ? .internalError : .invalidBody, error.body ?? error.status.reasonPhrase)
            }
        } catch {
            logger.error(
                "unexpected error answering a request",
                metadata: [
                    "path": "\(request.uri.path.redactingWebhookToken)",
                    "error": "\(error)",
                ])
            throw APIError(.internalError, "an unexpected error occurred; the server log has the details")
        }
    }
}

extension String {
    /// The path with the token of a `/webhooks/{flow}/{token}` URL replaced, for logs and messages.
    var redactingWebhookToken: String {
        let parts = split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[1] == "webhooks" else { return self }
        return (parts[0..<3] + ["***"]).joined(separator: "/")
    }
}
