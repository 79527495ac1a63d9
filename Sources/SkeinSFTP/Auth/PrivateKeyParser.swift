import Crypto
import NIOCore
import NIOSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns private key text into a key swift-nio-ssh can sign with.
///
/// Supported:
/// - OpenSSH format (`-----BEGIN OPENSSH PRIVATE KEY-----`, cipher `none`) holding an
///   ed25519 or ECDSA P-256/P-384/P-521 key. This is what `ssh-keygen` writes by default.
/// - PEM SEC1 (`-----BEGIN EC PRIVATE KEY-----`) and PKCS#8 (`-----BEGIN PRIVATE KEY-----`)
///   holding an ECDSA or ed25519 key.
///
/// Errors never quote the key text.
enum PrivateKeyParser {
    static func parse(_ text: String) throws(SFTPError) -> NIOSSHPrivateKey {
        let trimmed = text.trimmedWhitespace
        guard let header = trimmed.split(separator: "\n", maxSplits: 1).first.map(String.init) else {
            throw invalid("the private key text is empty")
        }
        switch header.trimmedWhitespace {
        case "-----BEGIN OPENSSH PRIVATE KEY-----":
            return try OpenSSHPrivateKeyParser.parse(base64Body: try pemBody(trimmed))
        case "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----":
            return try parsePEM(trimmed)
        case "-----BEGIN RSA PRIVATE KEY-----":
            throw rsaUnsupported
        case "-----BEGIN ENCRYPTED PRIVATE KEY-----":
            throw SFTPError(
                .unsupportedKeyType,
                "encrypted PKCS#8 private keys are not supported; store the key unencrypted in a secret store"
            )
        default:
            throw invalid("the private key is not in OpenSSH or PEM format (unrecognised first line)")
        }
    }

    static let rsaUnsupported = SFTPError(
        .unsupportedKeyType,
        "RSA private keys are not supported (swift-nio-ssh cannot sign with RSA); use an ed25519 or ECDSA key"
    )

    static func invalid(_ message: String) -> SFTPError {
        SFTPError(.invalidPrivateKey, message)
    }

    /// The base64 text between the BEGIN and END lines, decoded.
    static func pemBody(_ text: String) throws(SFTPError) -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace }
        let body = lines.filter { !$0.hasPrefix("-----") && !$0.contains(":") }.joined()
        guard let data = Data(base64Encoded: body) else {
            throw invalid("the private key's base64 body is malformed")
        }
        return Array(data)
    }

    private static func parsePEM(_ text: String) throws(SFTPError) -> NIOSSHPrivateKey {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: text) { return NIOSSHPrivateKey(p256Key: key) }
        if let key = try? P384.Signing.PrivateKey(pemRepresentation: text) { return NIOSSHPrivateKey(p384Key: key) }
        if let key = try? P521.Signing.PrivateKey(pemRepresentation: text) { return NIOSSHPrivateKey(p521Key: key) }
        let der = try pemBody(text)
        if let seed = PKCS8.ed25519Seed(fromDER: der) {
            do {
                return NIOSSHPrivateKey(ed25519Key: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
            } catch {
                throw invalid("the PKCS#8 ed25519 private key is malformed")
            }
        }
        if PKCS8.containsRSAAlgorithmIdentifier(der) { throw rsaUnsupported }
        throw invalid("the PEM private key is not an ECDSA (P-256/P-384/P-521) or ed25519 key")
    }
}

/// Just enough PKCS#8 to recognise ed25519 and RSA keys (swift-crypto 3 has no PEM
/// support for Curve25519).
enum PKCS8 {
    /// DER prefix of a PKCS#8 v1 ed25519 key (RFC 8410 §7): SEQUENCE, version 0,
    /// AlgorithmIdentifier { 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) }.
    static let ed25519Prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]
    /// DER encoding of OID 1.2.840.113549.1.1.1 (rsaEncryption).
    static let rsaOID: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]

    static func ed25519Seed(fromDER der: [UInt8]) -> [UInt8]? {
        guard der.count == ed25519Prefix.count + 32, der.starts(with: ed25519Prefix) else { return nil }
        return Array(der.suffix(32))
    }

    static func containsRSAAlgorithmIdentifier(_ der: [UInt8]) -> Bool {
        guard der.count >= rsaOID.count else { return false }
        return (0...(der.count - rsaOID.count)).contains { der[$0..<($0 + rsaOID.count)].elementsEqual(rsaOID) }
    }
}
