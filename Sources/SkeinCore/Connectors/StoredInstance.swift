public import Foundation
public import SkeinJSON

/// An instance as stored: everything but the credentials in clear, credentials sealed.
public struct StoredInstance: Sendable, Equatable {
    public var name: String
    public var connectorType: String
    public var address: String
    public var timeZone: String
    public var rateLimit: String?
    public var timeoutMilliseconds: Int
    public var variables: [String: String]
    public var settings: JSON
    /// AES-GCM sealed box of the credentials JSON (nonce + ciphertext + tag).
    public var sealedCredentials: [UInt8]
    public var keyID: String
    public var updatedAt: Date

    public init(
        name: String, connectorType: String, address: String, timeZone: String, rateLimit: String?, timeoutMilliseconds: Int,
        variables: [String: String], settings: JSON, sealedCredentials: [UInt8], keyID: String, updatedAt: Date
    ) {
        self.name = name; self.connectorType = connectorType; self.address = address; self.timeZone = timeZone
        self.rateLimit = rateLimit; self.timeoutMilliseconds = timeoutMilliseconds; self.variables = variables
        self.settings = settings; self.sealedCredentials = sealedCredentials; self.keyID = keyID; self.updatedAt = updatedAt
    }
}
