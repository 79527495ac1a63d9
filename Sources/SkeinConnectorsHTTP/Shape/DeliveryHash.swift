import Crypto
import SkeinCore

/// The content hash the delivery ledger compares, and the idempotency key derived from it.
enum DeliveryHash {
    /// Hex SHA-256 of the payload's bytes (as stored and resent, so a resync hashes the same).
    static func content(_ payload: Payload) -> String {
        hex(SHA256.hash(data: payload.bytes()))
    }

    /// `skein-` and 40 hex digits of SHA-256 over destination (system, instance), reference and
    /// content hash: identical across retries, replays, resyncs and re-runs after a crash, and
    /// different as soon as the content changes.
    static func idempotencyKey(_ key: DeliveryKey, contentHash: String) -> String {
        let material = [key.system, key.instance, key.reference, contentHash].joined(separator: "\u{1F}")
        return "skein-" + hex(SHA256.hash(data: Array(material.utf8))).prefix(40)
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
