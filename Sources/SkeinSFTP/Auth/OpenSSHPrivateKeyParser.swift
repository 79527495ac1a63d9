import Crypto
import NIOCore
import NIOSSH

/// Parser for the OpenSSH private key format (`PROTOCOL.key` in the OpenSSH sources):
///
/// ```
/// "openssh-key-v1\0"
/// string ciphername      -- we support only "none"
/// string kdfname         -- "none"
/// string kdfoptions
/// uint32 number of keys  -- we support exactly 1
/// string public key blob
/// string private section:
///     uint32 checkint, uint32 checkint (equal when decrypted correctly)
///     string keytype, key-type-specific fields, string comment
///     padding 1, 2, 3, ...
/// ```
enum OpenSSHPrivateKeyParser {
    static let magic = Array("openssh-key-v1\0".utf8)

    static func parse(base64Body bytes: [UInt8]) throws(SFTPError) -> NIOSSHPrivateKey {
        guard bytes.starts(with: magic) else {
            throw PrivateKeyParser.invalid("the OpenSSH private key does not start with the openssh-key-v1 magic")
        }
        var buffer = ByteBuffer(bytes: bytes.dropFirst(magic.count))
        guard let cipher = buffer.readSFTPString(), let kdf = buffer.readSFTPString(),
            buffer.readSFTPBuffer() != nil,  // kdf options
            let keyCount = buffer.readInteger(as: UInt32.self)
        else { throw truncated }

        guard cipher == "none", kdf == "none" else {
            throw SFTPError(
                .unsupportedKeyType,
                "passphrase-protected OpenSSH private keys (cipher \(cipher), kdf \(kdf)) are not supported; "
                    + "remove the passphrase with `ssh-keygen -p -N '' -f <keyfile>` and keep the key in a secret store"
            )
        }
        guard keyCount == 1 else {
            throw PrivateKeyParser.invalid("the OpenSSH private key file holds \(keyCount) keys; exactly one is supported")
        }
        guard buffer.readSFTPBuffer() != nil,  // public key blob; the private section repeats it
            var privateSection = buffer.readSFTPBuffer()
        else { throw truncated }

        guard let check1 = privateSection.readInteger(as: UInt32.self),
            let check2 = privateSection.readInteger(as: UInt32.self)
        else { throw truncated }
        guard check1 == check2 else {
            throw PrivateKeyParser.invalid("the OpenSSH private key is corrupt (check integers differ)")
        }
        guard let keyType = privateSection.readSFTPString() else { throw truncated }
        return try parseKey(type: keyType, from: &privateSection)
    }

    private static var truncated: SFTPError {
        PrivateKeyParser.invalid("the OpenSSH private key is truncated")
    }

    private static func parseKey(type: String, from buffer: inout ByteBuffer) throws(SFTPError) -> NIOSSHPrivateKey {
        switch type {
        case "ssh-ed25519":
            // string public key (32 bytes), string private key (64 bytes: seed || public key)
            guard let publicKey = buffer.readSFTPBytes(), let secret = buffer.readSFTPBytes() else { throw truncated }
            guard secret.count == 64, publicKey.count == 32 else {
                throw PrivateKeyParser.invalid("the ed25519 key has unexpected field sizes")
            }
            let key: Curve25519.Signing.PrivateKey
            do {
                key = try Curve25519.Signing.PrivateKey(rawRepresentation: secret.prefix(32))
            } catch {
                throw PrivateKeyParser.invalid("the ed25519 private key is malformed")
            }
            guard Array(key.publicKey.rawRepresentation) == publicKey else {
                throw PrivateKeyParser.invalid("the ed25519 private key does not match its public key")
            }
            return NIOSSHPrivateKey(ed25519Key: key)

        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
            // string curve name, string public point Q, mpint private scalar d
            guard buffer.readSFTPString() != nil, buffer.readSFTPBytes() != nil,
                let scalar = buffer.readSFTPBytes()
            else { throw truncated }
            do {
                switch type {
                case "ecdsa-sha2-nistp256":
                    return NIOSSHPrivateKey(p256Key: try .init(rawRepresentation: fixedWidth(scalar, 32)))
                case "ecdsa-sha2-nistp384":
                    return NIOSSHPrivateKey(p384Key: try .init(rawRepresentation: fixedWidth(scalar, 48)))
                default:
                    return NIOSSHPrivateKey(p521Key: try .init(rawRepresentation: fixedWidth(scalar, 66)))
                }
            } catch {
                throw PrivateKeyParser.invalid("the \(type) private key is malformed")
            }

        case "ssh-rsa":
            throw PrivateKeyParser.rsaUnsupported
        default:
            throw SFTPError(.unsupportedKeyType, "private keys of type \(type) are not supported; use ed25519 or ECDSA")
        }
    }

    /// An SSH `mpint` is big-endian with an optional leading zero byte (and may be shorter
    /// than the curve size); swift-crypto wants exactly `width` bytes.
    static func fixedWidth(_ mpint: [UInt8], _ width: Int) -> [UInt8] {
        var bytes = Array(mpint.drop(while: { $0 == 0 }))
        if bytes.count < width { bytes.insert(contentsOf: repeatElement(0, count: width - bytes.count), at: 0) }
        return bytes
    }
}
