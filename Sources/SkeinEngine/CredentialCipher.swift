import Crypto
import Foundation
import SkeinJSON

/// Seals instance credentials with AES-256-GCM so the database never holds them in clear.
///
/// The key lives outside the database (a file created with 0600 permissions on first start,
/// or an environment variable), so a copied database file alone reveals no secret. `keyID`
/// (a hash prefix of the key) is stored beside each sealed box to make key rotation checkable.
///
/// During a key rotation the cipher may also hold the previous key: it seals only with the
/// current key, and opens with whichever of the two the box was sealed with, so credentials
/// stay readable at every point of an interrupted rotation.
public struct CredentialCipher: Sendable {
    private let keyBytes: [UInt8]
    private let previousKeyBytes: [UInt8]?
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    public let keyID: String

    public init(keyBytes: [UInt8], previousKeyBytes: [UInt8]? = nil) throws {
        guard keyBytes.count == 32 else { throw CredentialError("the credential key must be 32 bytes, found \(keyBytes.count)") }
        if let previousKeyBytes, previousKeyBytes.count != 32 {
            throw CredentialError("the previous credential key must be 32 bytes, found \(previousKeyBytes.count)")
        }
        self.keyBytes = keyBytes
        self.previousKeyBytes = previousKeyBytes == keyBytes ? nil : previousKeyBytes
        keyID = CredentialCipher.keyID(of: keyBytes)
    }

    /// The short public name of a key: the first 4 bytes of its SHA-256, in hex.
    public static func keyID(of keyBytes: [UInt8]) -> String {
        SHA256.hash(data: keyBytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether this cipher still carries a previous key (a rotation has not finished).
    public var hasPreviousKey: Bool { previousKeyBytes != nil }

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
            let plain: Data
            do { plain = try AES.GCM.open(box, using: key) } catch {
                guard let previousKeyBytes else { throw error }
                plain = try AES.GCM.open(box, using: SymmetricKey(data: previousKeyBytes))
            }
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
