import SkeinCore

/// OAuth access tokens, cached per instance and shared by every executor of an `HTTPShape`.
///
/// Fetching a token costs a round trip and some systems limit how often it may be done, so
/// a token is reused until shortly before it expires (`expires_in`, less a margin), or until
/// the system answers 401 to it (`invalidate`), whichever comes first. When several steps
/// need a token at once, one fetch runs and the others wait for its result.
///
/// Entries are keyed by instance name and remember the grant they were fetched for: when an
/// instance's token URL, client or credentials change, its old token is not used.
///
/// Refresh tokens that the system rotates (a new `refresh_token` in the answer) are kept
/// here and used for the next refresh. They live in memory only: after a restart the
/// instance's stored `refresh_token` credential is used again.
public actor OAuthTokenStore {
    struct Token: Sendable, Equatable {
        var accessToken: String
        /// When to stop using the token; nil when the system did not say (used until a 401).
        var expiresAt: ContinuousClock.Instant?
        /// A new refresh token from the answer, when the system rotates them.
        var refreshToken: String?
    }

    private enum State {
        case ready(Token)
        case fetching(Task<Token, any Error>)
    }

    private struct Entry {
        var fingerprint: String
        var state: State
    }

    private var entries: [String: Entry] = [:]
    private var rotatedRefreshTokens: [String: (fingerprint: String, token: String)] = [:]
    private let clock = ContinuousClock()

    public init() {}

    /// A valid token for `instance`, fetching one with `fetch` (given the latest rotated
    /// refresh token, if any) when there is none or it has expired.
    func token(
        for instance: String, fingerprint: String,
        fetch: @escaping @Sendable (_ rotatedRefreshToken: String?) async throws -> Token
    ) async throws -> Token {
        if let entry = entries[instance], entry.fingerprint == fingerprint {
            switch entry.state {
            case .ready(let token):
                if let expiresAt = token.expiresAt, expiresAt <= clock.now {
                    break
                }
                return token
            case .fetching(let task):
                return try await task.value
            }
        }
        let rotated = rotatedRefreshTokens[instance].flatMap { $0.fingerprint == fingerprint ? $0.token : nil }
        let task = Task { try await fetch(rotated) }
        entries[instance] = Entry(fingerprint: fingerprint, state: .fetching(task))
        do {
            let token = try await task.value
            if case .fetching(let current)? = entries[instance]?.state, current == task {
                entries[instance] = Entry(fingerprint: fingerprint, state: .ready(token))
            }
            if let refreshToken = token.refreshToken {
                rotatedRefreshTokens[instance] = (fingerprint, refreshToken)
            }
            return token
        } catch {
            if case .fetching(let current)? = entries[instance]?.state, current == task {
                entries[instance] = nil
            }
            throw error
        }
    }

    /// Forgets `accessToken` after the system rejected it, so the next `token` call fetches
    /// a new one. A token fetched meanwhile by another step is kept.
    func invalidate(instance: String, accessToken: String) {
        guard case .ready(let token)? = entries[instance]?.state, token.accessToken == accessToken else { return }
        entries[instance] = nil
    }

    /// Forgets everything about `instance` (its credentials were changed or it was deleted).
    public func forget(instance: String) {
        entries[instance] = nil
        rotatedRefreshTokens[instance] = nil
    }
}
