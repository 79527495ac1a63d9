import NIOCore
import NIOSSH

/// A credential ready for swift-nio-ssh (the private key already parsed).
enum ResolvedCredential: Sendable {
    case password(String)
    case privateKey(NIOSSHPrivateKey)

    init(_ authentication: SFTPConfiguration.Authentication) throws(SFTPError) {
        switch authentication {
        case .password(let password):
            self = .password(password)
        case .privateKey(let text, _):
            self = .privateKey(try PrivateKeyParser.parse(text))
        }
    }

    /// What the server rejects, in words: "password" or "private key".
    var noun: String {
        switch self {
        case .password: "password"
        case .privateKey: "private key"
        }
    }

    /// The SSH authentication method name.
    var methodName: String {
        switch self {
        case .password: "password"
        case .privateKey: "publickey"
        }
    }
}

/// Raised inside the SSH handshake when the server rejects our one credential.
struct AuthenticationRejected: Error {
    /// Why, without any secret: e.g. "the server rejected the password".
    var reason: String
}

/// swift-nio-ssh delegate that offers the single configured credential once.
///
/// swift-nio-ssh asks again after every rejection; the second time we fail the promise,
/// which aborts the handshake with ``AuthenticationRejected`` instead of hanging.
/// Lives on the connection's event loop, so its mutable state needs no locking.
final class SingleCredentialAuthenticator: NIOSSHClientUserAuthenticationDelegate {
    private let username: String
    private let credential: ResolvedCredential
    private var hasOffered = false

    init(username: String, credential: ResolvedCredential) {
        self.username = username
        self.credential = credential
    }

    func nextAuthenticationType(
        availableMethods: NIOSSHAvailableUserAuthenticationMethods,
        nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>
    ) {
        if hasOffered {
            nextChallengePromise.fail(
                AuthenticationRejected(reason: "the server rejected the \(credential.noun)"))
            return
        }
        hasOffered = true

        switch credential {
        case .password(let password):
            guard availableMethods.contains(.password) else {
                nextChallengePromise.fail(notOffered(availableMethods))
                return
            }
            nextChallengePromise.succeed(
                NIOSSHUserAuthenticationOffer(
                    username: username, serviceName: "ssh-connection", offer: .password(.init(password: password))))
        case .privateKey(let key):
            guard availableMethods.contains(.publicKey) else {
                nextChallengePromise.fail(notOffered(availableMethods))
                return
            }
            nextChallengePromise.succeed(
                NIOSSHUserAuthenticationOffer(
                    username: username, serviceName: "ssh-connection", offer: .privateKey(.init(privateKey: key))))
        }
    }

    private func notOffered(_ available: NIOSSHAvailableUserAuthenticationMethods) -> AuthenticationRejected {
        var names: [String] = []
        if available.contains(.publicKey) { names.append("publickey") }
        if available.contains(.password) { names.append("password") }
        if available.contains(.hostBased) { names.append("hostbased") }
        let offered = names.isEmpty ? "none that this client supports" : names.joined(separator: ", ")
        return AuthenticationRejected(
            reason: "the server does not accept \(credential.methodName) authentication (it offers: \(offered))")
    }
}
