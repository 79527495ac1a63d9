public import Foundation
public import SkeinCore
public import SkeinJSON
public import SkeinStorage

/// Users, sessions, API tokens and the audit log, over the store: what the login page, the
/// access middleware, the admin API and `skein user` / `skein token` share.
public struct AccessService: Sendable {
    public let store: any AccessStore
    public let hasher: PasswordHasher
    /// How long a browser session lasts after sign-in.
    public let sessionLifetime: TimeInterval
    public let now: @Sendable () -> Date

    /// The prefix of every API token, so a leaked one is recognisable in code and logs scanners.
    public static let tokenPrefix = "skn_"

    public init(
        store: any AccessStore, hasher: PasswordHasher = PasswordHasher(), sessionLifetime: TimeInterval = 12 * 3600,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
        self.now = now
    }

    // MARK: Users

    /// Checks a new user's name and password and stores them (password bcrypt-hashed).
    public func createUser(username: String, role: Role, password: String) async throws -> UserRecord {
        try Self.validate(username: username)
        try Self.validate(password: password)
        let user = UserRecord(username: username, role: role.rawValue, passwordHash: try await hasher.hash(password), createdAt: now())
        try await store.createUser(user)
        return user
    }

    public func setPassword(username: String, password: String) async throws -> Bool {
        try Self.validate(password: password)
        return try await store.updateUser(named: username, role: nil, passwordHash: try await hasher.hash(password))
    }

    /// The user when the password is theirs; nil otherwise (the same time either way).
    public func authenticate(username: String, password: String) async throws -> UserRecord? {
        guard let user = try await store.user(named: username) else {
            _ = try await hasher.verify(password, hash: PasswordHasher.decoyHash)
            return nil
        }
        return try await hasher.verify(password, hash: user.passwordHash) ? user : nil
    }

    /// On a store with no users: creates `admin` with a random one-time password and returns it
    /// (to be printed once); nil when users exist.
    public func createFirstAdminIfNeeded(username: String = "admin") async throws -> String? {
        guard try await store.userCount() == 0 else { return nil }
        let password = SecretText.random(bytes: 15)
        do {
            _ = try await createUser(username: username, role: .admin, password: password)
        } catch let error as StorageError where error.code == .conflict {
            return nil  // another process created it first
        }
        try await audit(actor: "skein", action: "user.create", target: "user:\(username)", details: ["role": "admin", "first_start": true])
        return password
    }

    public static func validate(username: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        guard (1...64).contains(username.count), username.allSatisfy({ allowed.contains($0) }) else {
            throw AccessError.invalid(field: "username", "a username is 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
    }

    public static func validate(password: String) throws {
        guard password.count >= PasswordHasher.minimumPasswordLength else {
            throw AccessError.invalid(field: "password", "a password needs at least \(PasswordHasher.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= 72 else {
            throw AccessError.invalid(field: "password", "a password may be at most 72 bytes (bcrypt ignores the rest)")
        }
    }

    // MARK: Sessions

    /// A new session for `user`: the cookie value (given to the browser only) and the record stored under its hash.
    public func startSession(for user: UserRecord) async throws -> (cookieValue: String, session: SessionRecord) {
        let value = SecretText.random()
        let time = now()
        // Expired sessions are swept at each sign-in, so the table holds only live ones (plus a few).
        _ = try await store.pruneSessions(now: time)
        let session = SessionRecord(
            idHash: SecretText.sha256Hex(value), username: user.username, csrfToken: SecretText.random(),
            createdAt: time, expiresAt: time.addingTimeInterval(sessionLifetime))
        try await store.createSession(session)
        return (value, session)
    }

    /// Who holds this session cookie, while it is unexpired and the user exists.
    public func identity(sessionCookie value: String) async throws -> Identity? {
        guard let (session, user) = try await store.session(idHash: SecretText.sha256Hex(value), now: now()),
            let role = Role(rawValue: user.role)
        else { return nil }
        return Identity(username: user.username, role: role, method: .session, csrfToken: session.csrfToken)
    }

    public func endSession(cookieValue value: String) async throws {
        try await store.deleteSession(idHash: SecretText.sha256Hex(value))
    }

    // MARK: API tokens

    /// A new token for `username`, returned once in clear; only its hash is stored. Its role is
    /// `role` capped by the owner's role.
    public func createToken(name: String, username: String, role: Role?) async throws -> (token: String, record: APITokenRecord) {
        guard (1...100).contains(name.count) else { throw AccessError.invalid(field: "name", "a token name is 1 to 100 characters") }
        guard let owner = try await store.user(named: username), let ownerRole = Role(rawValue: owner.role) else {
            throw AccessError.invalid(field: "username", "no user named '\(username)'")
        }
        let token = Self.tokenPrefix + SecretText.random()
        let effective = min(role ?? ownerRole, ownerRole)
        let record = try await store.createToken(
            name: name, username: username, role: effective.rawValue,
            tokenHash: SecretText.sha256Hex(token), now: now())
        return (token, record)
    }

    /// Who a bearer token belongs to; the role is the lower of the token's and the owner's current role.
    public func identity(bearerToken token: String) async throws -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix), let (record, user) = try await store.useToken(hash: SecretText.sha256Hex(token), now: now()),
            let tokenRole = Role(rawValue: record.role), let userRole = Role(rawValue: user.role)
        else { return nil }
        return Identity(username: user.username, role: min(tokenRole, userRole), method: .token)
    }

    // MARK: Local callers

    /// `username` as a caller of this machine's command line (`skein mcp --user NAME`): the
    /// user's current role, no sign-in (whoever can open the data directory can act as anyone;
    /// the role keeps an assistant to what that user may do). `not_found` for an unknown user.
    public func identity(localUser username: String) async throws -> Identity {
        guard let user = try await store.user(named: username), let role = Role(rawValue: user.role) else {
            throw OperationError.notFound("no user named '\(username)'; add one with skein user add")
        }
        return Identity(username: user.username, role: role, method: .local)
    }

    // MARK: Audit

    public func audit(actor: String, action: String, target: String, details: JSON? = nil) async throws {
        try await store.appendAudit(actor: actor, action: action, target: target, details: details ?? .object([:]), now: now())
    }

    public func audit(_ identity: Identity, _ action: String, target: String, details: JSON? = nil) async throws {
        try await audit(actor: identity.auditActor, action: action, target: target, details: details)
    }
}

/// Bad input to an access operation, naming the field.
public enum AccessError: Error, Sendable, CustomStringConvertible {
    case invalid(field: String, String)

    public var description: String {
        switch self {
        case .invalid(_, let message): message
        }
    }
}
