public import Foundation
import SkeinStorage

/// One-time action tokens, so a recovery action is done once per form: the web UI puts a
/// fresh token (`issue`) in every replay, retry, bulk retry and resync form, and the action
/// first uses it (`use`). A second submission of the same form — a double click, a reload
/// that posts again, the same page in two tabs — is refused with `conflict` and does nothing.
///
/// Used tokens are remembered for `memory` (24 hours), then the retention service forgets
/// them. The store's unique key makes the first use win across processes sharing a database.
public struct ActionTokens: Sendable {
    let store: any ActionTokenStore
    let now: @Sendable () -> Date

    /// How long a used token is remembered (a repeat within it is refused).
    public static let memory: TimeInterval = 24 * 3600
    /// The form field that carries the token.
    public static let field = "_once"

    /// A new token: 128 random bits as 32 hex digits.
    public func issue() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Uses `token` for one action (operator, as every action that carries one): refuses a
    /// missing or malformed token, and a token already used.
    public func use(_ caller: Identity?, _ token: String?) async throws {
        try Permission.operate.require(caller)
        guard let token, !token.isEmpty else {
            throw OperationError.invalid(Self.field, "this form has no one-time action token; reload the page and try again")
        }
        guard (16...128).contains(token.count), token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw OperationError.invalid(Self.field, "the form's one-time action token is malformed; reload the page and try again")
        }
        let at = now()
        guard try await store.useActionToken(token, expiresAt: at.addingTimeInterval(Self.memory), now: at) else {
            throw OperationError.conflict("this form was already submitted, so it was not done again; reload the page to act anew")
        }
    }
}
