import Crypto
import Foundation
import SkeinJSON

/// Seals instance credentials with AES-256-GCM so the database never holds them in clear.
///
/// The key lives outside the database (a file created with 0600 permissions on first start,
/// or an environment variable), so a copied database file alone reveals no secret. `keyID`
/// (a hash prefix of the key) is stored beside each sealed box to make key rotation checkable.
public struct CredentialCipher: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    public let keyID: String

    public init(keyBytes: [UInt8]) throws {
        guard keyBytes.count == 32 else { throw CredentialError("the credential key must be 32 bytes, found \(keyBytes.count)") }
        self.keyBytes = keyBytes
        keyID = SHA256.hash(data: keyBytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key.
    public static func generateKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public func seal(_ credentials: [String: String]) throws -> [UInt8] {
        let json = JSON.object(.init(uniqueKeysWithValues: credentials.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        let box = try AES.GCM.seal(json.serializedBytes(), using: key)
        guard let combined = box.combined else { throw CredentialError("could not seal credentials") }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], instance: String) throws -> [String: String] {
        guard !sealed.isEmpty else { return [:] }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: key)
            var result: [String: String] = [:]
            for (name, value) in (try JSON(parsing: Array(plain))).objectValue ?? [:] { result[name] = value.stringValue }
            return result
        } catch {
            throw CredentialError("the credentials of instance '\(instance)' cannot be decrypted with the current key (wrong or rotated key file?)")
        }
    }
}

public struct CredentialError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
