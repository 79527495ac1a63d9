import Crypto

/// The checks that decide whether a webhook request may start a run, written so that a
/// caller learns nothing from how long a comparison takes.
enum WebhookAuthenticator {
    /// Whether the token in the URL is the flow's, in time independent of where they differ
    /// (both are hashed first, so even their lengths do not show).
    static func tokenMatches(expected: String, presented: String) -> Bool {
        let left = SHA256.hash(data: Array(expected.utf8))
        let right = SHA256.hash(data: Array(presented.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }

    enum SignatureCheck: Equatable {
        case valid
        case missing
        case malformed
        case mismatch
    }

    /// Checks `X-Skein-Signature: sha256=<hex>` against HMAC-SHA256 of the raw body with `secret`.
    static func checkSignature(header: String?, body: [UInt8], secret: String) -> SignatureCheck {
        guard let header, !header.isEmpty else { return .missing }
        let prefix = "sha256="
        guard header.lowercased().hasPrefix(prefix), let digest = bytes(hex: String(header.dropFirst(prefix.count))),
            digest.count == SHA256.byteCount
        else { return .malformed }
        let key = SymmetricKey(data: Array(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: body, using: key) ? .valid : .mismatch
    }

    /// The signature header value a sender computes: `sha256=` and the lowercase hex HMAC.
    static func signature(body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256="
            + code.map { byte in
                let text = String(byte, radix: 16)
                return byte < 16 ? "0" + text : text
            }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(ofHexDigit: digits[index]), let low = value(ofHexDigit: digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func value(ofHexDigit digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
