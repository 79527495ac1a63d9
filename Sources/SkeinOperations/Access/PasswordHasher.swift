import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt, off the request executor (each takes ~0.25 s at
/// cost 12 on purpose, which is what makes a stolen hash expensive to guess).
public struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds: 12 in production; tests may lower it (never below 4).
    public var cost: UInt8

    public static let minimumPasswordLength = 8

    public init(cost: UInt8 = 12) { self.cost = max(4, min(cost, 31)) }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a password nobody knows, checked when the user does not exist so that a wrong
    /// name costs as much time as a wrong password.
    static let decoyHash = Bcrypt.hash(SecretText.random(), cost: 12)
}
