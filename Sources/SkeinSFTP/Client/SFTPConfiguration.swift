/// Everything ``SFTPClient/connect(_:logger:)`` needs to open an SFTP session.
///
/// ```swift
/// let config = SFTPConfiguration(
///     host: "files.example.com",
///     username: "skein",
///     authentication: .password(secret),
///     hostKey: .fingerprintSHA256("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
/// )
/// ```
public struct SFTPConfiguration: Sendable {
    /// Host name or IP address of the SSH server.
    public var host: String
    /// TCP port of the SSH server (22 by default).
    public var port: Int
    /// The account to log in as.
    public var username: String
    /// How to prove who we are.
    public var authentication: Authentication
    /// How to decide whether the server is who we think it is.
    public var hostKey: HostKeyVerification
    /// Upper bound for the whole connection set-up: TCP connect, SSH handshake,
    /// authentication and SFTP version negotiation.
    public var connectTimeout: Duration
    /// Upper bound for a single SFTP request/response round trip once connected.
    /// A transfer is made of many requests; each gets this much time.
    public var requestTimeout: Duration

    public init(
        host: String,
        port: Int = 22,
        username: String,
        authentication: Authentication,
        hostKey: HostKeyVerification,
        connectTimeout: Duration = .seconds(15),
        requestTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.authentication = authentication
        self.hostKey = hostKey
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// A credential. Its contents are never logged or included in error messages.
    public enum Authentication: Sendable {
        /// SSH "password" authentication.
        case password(String)
        /// SSH "publickey" authentication with a private key given as text.
        ///
        /// Accepted formats: unencrypted OpenSSH (`-----BEGIN OPENSSH PRIVATE KEY-----`) with
        /// ed25519 or ECDSA (P-256/P-384/P-521) keys; PEM SEC1 (`BEGIN EC PRIVATE KEY`) and
        /// PKCS#8 (`BEGIN PRIVATE KEY`) with ECDSA or ed25519 keys.
        /// RSA keys are rejected with ``SFTPError/Code/unsupportedKeyType`` because
        /// swift-nio-ssh cannot sign with them. Passphrase-protected keys are rejected with
        /// ``SFTPError/Code/unsupportedKeyType``; remove the passphrase
        /// (`ssh-keygen -p -N '' -f key`) and store the key in a secret store instead.
        case privateKey(pemOrOpenSSHText: String, passphrase: String? = nil)
    }

    /// How the server's host key is checked during the SSH handshake.
    public enum HostKeyVerification: Sendable {
        /// Accept any host key. **Insecure**: anyone on the network path can impersonate the
        /// server and read the password and the files. Use only in tests.
        case trustAny
        /// Accept only this key, written as a line of `known_hosts`/`*.pub`
        /// (`"ssh-ed25519 AAAAC3Nz... comment"`; the comment is optional).
        case openSSHPublicKey(String)
        /// Accept only a key with this SHA-256 fingerprint, as printed by `ssh-keygen -lf`
        /// (`"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"`).
        case fingerprintSHA256(String)
    }
}

extension SFTPConfiguration {
    /// `host:port`, used in every error message so the reader knows which server failed.
    var endpointDescription: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
