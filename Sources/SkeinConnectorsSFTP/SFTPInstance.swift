import SkeinCore
import SkeinJSON
import SkeinSFTP

/// How an `sftp` instance becomes an `SFTPConfiguration`.
///
/// ```sh
/// skein instance add warehouse --type sftp --address files.example.com:22 \
///   --setting username=skein --setting "host_key=ssh-ed25519 AAAAC3Nz..." \
///   --credential-env password=WAREHOUSE_PASSWORD        # or private_key=… (OpenSSH/PEM text)
/// ```
///
/// The host key is required (`host_key` as an OpenSSH public key line, or `fingerprint` as
/// `SHA256:…`): Skein never trusts whatever key a server presents.
enum SFTPInstance {
    static let spec = InstanceSpec(
        type: "sftp", summary: "An SFTP server.", address: "`host`, `host:port` or `sftp://host:port` (port 22 by default).",
        settings: ObjectSpec(
            [
                FieldSpec("username", .string(TextRules(nonEmpty: true)), required: true, help: "The user to log in as."),
                FieldSpec("host_key", .string(TextRules(nonEmpty: true)), help: "The server's host key as an OpenSSH public key line (`ssh-ed25519 AAAA…`)."),
                FieldSpec("fingerprint", .string(TextRules(nonEmpty: true)), help: "Or the host key's fingerprint, `SHA256:…`."),
            ],
            rules: [
                .atLeastOne(
                    ["host_key", "fingerprint"],
                    whenNone: RuleMessage("", "set 'host_key' (an OpenSSH public key line) or 'fingerprint' (SHA256:…) so the server can be verified"))
            ]),
        credentials: [
            .credential("password", help: "Log in with a password."),
            .credential("private_key", help: "Or with a private key (OpenSSH or PEM text); it wins over a password."),
        ])

    /// The settings an sftp instance takes (from `spec`).
    static let knownSettings = spec.settings.fields.map(\.name)

    static func configuration(for instance: Instance) throws(ShapeFailure) -> SFTPConfiguration {
        let prefix = "instance '\(instance.name)'"
        guard instance.connectorType == "sftp" else {
            throw ShapeFailure("\(prefix) is a '\(instance.connectorType)' instance; the sftp shape needs one of type sftp")
        }
        if case .object(let settings) = instance.settings {
            for key in settings.keys where !knownSettings.contains(key) {
                throw ShapeFailure("\(prefix): unknown setting '\(key)' (sftp instances take \(knownSettings.joined(separator: ", ")))")
            }
        }
        let (host, port) = try hostAndPort(instance.address, prefix: prefix)
        guard let username = setting(instance, "username"), !username.isEmpty else {
            throw ShapeFailure("\(prefix): the setting 'username' is missing")
        }
        let hostKey: SFTPConfiguration.HostKeyVerification
        if let line = setting(instance, "host_key") {
            hostKey = .openSSHPublicKey(line)
        } else if let fingerprint = setting(instance, "fingerprint") {
            hostKey = .fingerprintSHA256(fingerprint)
        } else {
            throw ShapeFailure("\(prefix): set 'host_key' (an OpenSSH public key line) or 'fingerprint' (SHA256:…) so the server can be verified")
        }
        let authentication: SFTPConfiguration.Authentication
        if let key = instance.credentials["private_key"] {
            authentication = .privateKey(pemOrOpenSSHText: key, passphrase: nil)
        } else if let password = instance.credentials["password"] {
            authentication = .password(password)
        } else {
            throw ShapeFailure("\(prefix): no credential 'password' or 'private_key' is stored")
        }
        let timeout = instance.timeout > .zero ? instance.timeout : .seconds(30)
        return SFTPConfiguration(
            host: host, port: port, username: username, authentication: authentication,
            hostKey: hostKey, connectTimeout: timeout, requestTimeout: max(timeout, .seconds(60)))
    }

    private static func setting(_ instance: Instance, _ key: String) -> String? {
        if case .string(let value)? = instance.settings[key] { return value }
        return nil
    }

    /// `host`, `host:port`, `[::1]:2222`, or the same with an `sftp://` prefix.
    static func hostAndPort(_ address: String, prefix: String) throws(ShapeFailure) -> (String, Int) {
        var text = address.trimmingSpaces()
        if text.hasPrefix("sftp://") { text.removeFirst("sftp://".count) }
        while text.hasSuffix("/") { text.removeLast() }
        let bad = ShapeFailure("\(prefix): address '\(address)' is not host or host:port")
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, 22) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { throw bad }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2 else { throw bad }
        if parts.count == 1 { return (String(first), 22) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { throw bad }
        return (String(first), port)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
