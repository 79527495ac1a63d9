import NIOCore
import NIOSSH

/// The expected host key, resolved from ``SFTPConfiguration/HostKeyVerification`` before
/// connecting so that configuration mistakes surface without touching the network.
enum ExpectedHostKey: Sendable {
    case any
    case fingerprint(String)

    init(_ verification: SFTPConfiguration.HostKeyVerification) throws(SFTPError) {
        switch verification {
        case .trustAny:
            self = .any
        case .fingerprintSHA256(let fingerprint):
            let normalised = HostKeyFingerprint.normalise(fingerprint)
            guard normalised.count > "SHA256:".count else {
                throw SFTPError(.invalidConfiguration, "the configured host key fingerprint is empty")
            }
            self = .fingerprint(normalised)
        case .openSSHPublicKey(let line):
            // Accept "type base64 [comment]"; swift-nio-ssh wants only "type base64".
            let fields = line.trimmedWhitespace.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else {
                throw SFTPError(
                    .invalidConfiguration,
                    "the configured host key is not an OpenSSH public key line (\"ssh-ed25519 AAAA...\")")
            }
            do {
                let key = try NIOSSHPublicKey(openSSHPublicKey: "\(fields[0]) \(fields[1])")
                self = .fingerprint(HostKeyFingerprint.sha256(of: key))
            } catch {
                throw SFTPError(
                    .invalidConfiguration,
                    "the configured host key (type \(fields[0])) could not be parsed; supported types are "
                        + "ssh-ed25519 and ecdsa-sha2-nistp256/384/521")
            }
        }
    }
}

/// Raised inside the SSH handshake when the host key is not the expected one; the
/// connector turns it into ``SFTPError/Code/hostKeyMismatch`` with the endpoint in the message.
struct HostKeyRejected: Error {
    var expectedFingerprint: String
    var actualFingerprint: String
}

/// swift-nio-ssh delegate that compares the server's host key with the expected one.
struct HostKeyVerifier: NIOSSHClientServerAuthenticationDelegate {
    var expected: ExpectedHostKey

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        switch expected {
        case .any:
            validationCompletePromise.succeed(())
        case .fingerprint(let expectedFingerprint):
            let actual = HostKeyFingerprint.sha256(of: hostKey)
            if actual == expectedFingerprint {
                validationCompletePromise.succeed(())
            } else {
                validationCompletePromise.fail(
                    HostKeyRejected(expectedFingerprint: expectedFingerprint, actualFingerprint: actual))
            }
        }
    }
}
