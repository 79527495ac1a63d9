/// An SFTP failure, written for the person operating the integration.
///
/// ``code`` is stable and meant for programs (retry on `.timeout`, alert on
/// `.hostKeyMismatch`, ...). ``message`` says what failed and where (`host:port`, path) and
/// never contains passwords or key material.
public struct SFTPError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, in categories a caller can act on.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// TCP connection could not be established (refused, unreachable, DNS failure).
        case connectionFailed
        /// The connection dropped or was closed while in use.
        case connectionClosed
        /// The server did not answer in time.
        case timeout
        /// The server's host key is not the configured one. Possible impersonation.
        case hostKeyMismatch
        /// The server rejected the username/credential.
        case authenticationFailed
        /// The configuration is unusable (malformed host key, bad port, ...).
        case invalidConfiguration
        /// The private key text could not be parsed.
        case invalidPrivateKey
        /// The private key is of a type or protection we cannot use (RSA, passphrase-protected).
        case unsupportedKeyType
        /// The path does not exist on the server.
        case noSuchFile
        /// The server refused access to the path.
        case permissionDenied
        /// The server reported a generic failure (e.g. target exists, directory not empty).
        case operationFailed
        /// The server does not support the operation.
        case unsupportedOperation
        /// The server sent something that violates the SSH/SFTP protocol.
        case protocolError
    }

    /// Stable, machine-readable category.
    public var code: Code
    /// Human-readable explanation including the server (`host:port`) and path involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SFTPError.\(code.rawValue): \(message)" }
}
