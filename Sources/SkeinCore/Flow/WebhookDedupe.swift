import Foundation
import JSONata
import SkeinJSON

/// `dedupe:` on a webhook trigger: where a delivery's identity is, so that a sender's repeat of
/// the same delivery (a retry after a lost answer) starts nothing and is answered like the first.
///
/// ```yaml
/// trigger:
///   webhook:
///     token: ...
///     dedupe: { header: X-Shopify-Webhook-Id, window: 48h }
/// ```
/// or, from the body: `dedupe: { expression: "$.id & '-' & $.updated_at" }`.
public struct WebhookDedupe: Sendable, Equatable {
    /// Where the identity is read.
    public enum Source: Sendable, Equatable {
        /// A request header, by name (compared case-insensitively, as HTTP does).
        case header(String)
        /// A JSONata expression on the JSON body; its result (a string or number) is the identity.
        case expression(String)
    }

    public var source: Source
    /// How long an identity is remembered; a repeat after it starts a new run.
    public var window: Duration

    /// A day: long enough for the retry schedules of common senders (Shopify retries for 48 h: raise it there).
    public static let defaultWindow: Duration = .seconds(24 * 3600)
    /// Thirty days: identities are kept that long at most.
    public static let maximumWindow: Duration = .seconds(30 * 24 * 3600)
    /// Identities longer than this are refused as identities (hashed storage is not needed at this size).
    public static let maximumIdentityLength = 512

    /// The window in seconds, for date arithmetic.
    public var windowSeconds: TimeInterval {
        Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
    }

    public init(source: Source, window: Duration = WebhookDedupe.defaultWindow) {
        self.source = source
        self.window = window
    }

    /// The outcome of reading a delivery's identity.
    public enum Reading: Sendable, Equatable {
        case identity(String)
        /// The request does not carry one (no header, an empty one, or the expression is undefined); the reason says which.
        case missing(String)
        /// The expression failed on this body; the reason holds the error.
        case failed(String)
    }

    /// Reads the identity of one delivery. `header` looks a header up by name; `body` is the
    /// parsed JSON body (nil when the body is not JSON).
    public func read(header: (String) -> String?, body: () -> JSON?) -> Reading {
        switch source {
        case .header(let name):
            guard let value = header(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return .missing("the request has no \(name) header")
            }
            return checked(value)
        case .expression(let source):
            guard let document = body() else { return .missing("the body is not JSON, so dedupe.expression cannot read it") }
            do {
                let expression = try JSONataExpression(compiling: source)
                switch try expression.evaluate(input: document, limits: JSONataLimits.default) {
                case .string(let text)?: return text.isEmpty ? .missing("dedupe.expression gave an empty string") : checked(text)
                case .number(let number)?: return checked(JSON.number(number).description)
                case nil, .null?: return .missing("dedupe.expression is undefined for this body")
                case let other?: return .failed("dedupe.expression gave \(other.description.prefix(80)), not a string or number")
                }
            } catch {
                return .failed("dedupe.expression failed: \(error)")
            }
        }
    }

    private func checked(_ identity: String) -> Reading {
        identity.utf8.count <= Self.maximumIdentityLength
            ? .identity(identity)
            : .failed("the identity is longer than \(Self.maximumIdentityLength) bytes")
    }
}
