import SkeinCore
import SkeinJSON

/// Keeps secrets out of everything the connector shows: recorded calls, error messages,
/// failure details.
///
/// Three layers, because each alone leaks:
/// - by **name**: headers that carry credentials (`Authorization`, `Cookie`, `X-Api-Key`,
///   the instance's configured API-key header) and the configured API-key query parameter
///   are shown as `[redacted]` whatever their value;
/// - by **value**: every credential of the instance (`Instance.redact`), plus the secrets
///   derived from them at run time (the Base64 of `username:password`, OAuth access and
///   rotated refresh tokens), wherever they appear, so a system that echoes a token back in
///   an error body cannot put it on the step;
/// - by **URL shape**: `user:password@` in an address is never shown.
struct Redactor: Sendable {
    static let marker = "[redacted]"
    /// Headers whose values are secret whatever the instance's settings.
    static let alwaysSecretHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"]

    let instance: Instance
    let secretHeaders: Set<String>
    let secretQueryNames: Set<String>
    private(set) var derivedSecrets: [String] = []

    init(instance: Instance, auth: AuthMethod) {
        self.instance = instance
        var headers = Redactor.alwaysSecretHeaders
        var queryNames: Set<String> = []
        switch auth {
        case .apiKey(.header(let name)): headers.insert(name.lowercased())
        case .apiKey(.query(let name)): queryNames.insert(name)
        case .basic:
            let pair = (instance.credentials["username"] ?? "") + ":" + (instance.credentials["password"] ?? "")
            derivedSecrets.append(Base64.encode(Array(pair.utf8)))
        default: break
        }
        secretHeaders = headers
        secretQueryNames = queryNames
    }

    /// Remembers a secret learnt at run time (an access token), so it is redacted from now on.
    mutating func addSecret(_ secret: String) {
        guard secret.count >= 4, !derivedSecrets.contains(secret) else { return }
        derivedSecrets.append(secret)
    }

    /// Remembers the values of the secret headers about to be sent (a `Cookie` written in the
    /// flow file, the token after `Bearer `), so a system echoing them back is redacted too.
    mutating func learnSecrets(from headers: [(name: String, value: String)]) {
        for (name, value) in headers where secretHeaders.contains(name.lowercased()) {
            addSecret(value)
            if let space = value.firstIndex(of: " ") { addSecret(String(value[value.index(after: space)...])) }
        }
    }

    func text(_ text: String) -> String {
        var result = instance.redact(text)
        for secret in derivedSecrets { result = result.replacingAll(secret, with: Redactor.marker) }
        return result
    }

    func url(_ url: String) -> String {
        text(URLText.display(url, secretQueryNames: secretQueryNames))
    }

    /// Headers as a JSON object (repeated names joined with `, `), secret ones redacted.
    func headers(_ headers: [(name: String, value: String)]) -> JSON {
        var object: JSON.Object = [:]
        for (name, value) in headers {
            let shown = secretHeaders.contains(name.lowercased()) ? Redactor.marker : text(value)
            if let existing = object[name]?.stringValue {
                object[name] = .string(existing + ", " + shown)
            } else {
                object[name] = .string(shown)
            }
        }
        return .object(object)
    }

    /// The first `limit` bytes of a body as text, redacted, with a note when cut short.
    ///
    /// Redaction runs on a window a little longer than what is kept, so a secret that
    /// straddles the cut cannot leave its first half behind.
    func body(_ bytes: [UInt8], limit: Int = 64 * 1024) -> String {
        let window = String(decoding: bytes.prefix(limit + 4096), as: UTF8.self)
        let redacted = text(window)
        guard bytes.count > limit else { return redacted }
        var kept = ""
        var size = 0
        for character in redacted {
            size += character.utf8.count
            if size > limit { break }
            kept.append(character)
        }
        return kept + "… [truncated: \(bytes.count) bytes in all]"
    }
}

/// Base64 without Foundation, for `Authorization: Basic`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(first >> 2)])
            output.append(alphabet[Int((first & 0x03) << 4 | second >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((second & 0x0F) << 2 | third >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(third & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
