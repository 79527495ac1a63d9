import Crypto
import NIOSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// SHA-256 fingerprints of SSH public keys, in the format `ssh-keygen -lf` prints:
/// `"SHA256:"` + unpadded base64 of SHA-256 over the key's wire-format blob.
enum HostKeyFingerprint {
    static func sha256(of key: NIOSSHPublicKey) -> String {
        // swift-nio-ssh does not expose the key blob directly, but its OpenSSH text form is
        // "<algorithm> <base64 blob>".
        let text = String(openSSHPublicKey: key)
        let base64Blob = text.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let blob = Data(base64Encoded: base64Blob) ?? Data()
        return sha256(ofBlob: Array(blob))
    }

    static func sha256(ofBlob blob: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + String(digest.prefix(while: { $0 != "=" }))
    }

    /// Normalises a user-supplied fingerprint: trims whitespace, accepts it with or without
    /// the `SHA256:` prefix and with or without base64 padding.
    static func normalise(_ fingerprint: String) -> String {
        var value = fingerprint.trimmedWhitespace
        if value.hasPrefix("SHA256:") { value.removeFirst("SHA256:".count) }
        while value.hasSuffix("=") { value.removeLast() }
        return "SHA256:" + value
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let start = self.firstIndex(where: { !isSpace($0) }),
            let end = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
