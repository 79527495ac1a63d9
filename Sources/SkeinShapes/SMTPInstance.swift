import Foundation
import SkeinCore
import SkeinJSON

/// An `smtp` instance read into an ``SMTPClient``: the address says where, the settings how.
///
/// ```sh
/// skein instance add mail --type smtp --address smtp://mail.example.com:587 \
///       --credential username=alerts --credential-env password=SMTP_PASSWORD [--setting tls=starttls]
/// skein instance add mail --type smtp --address smtps://mail.example.com      # TLS from the first byte, port 465
/// ```
///
/// Settings: `tls` (auto, starttls, implicit or none; see ``SMTPClient/Security``), `ca_file`
/// (PEM certificates trusted instead of the system's), `allow_plaintext_auth` (true to send the
/// password without TLS) and `auth` (plain or login). Credentials: `username` and `password`.
enum SMTPInstance {
    static let spec = InstanceSpec(
        type: "smtp", summary: "An SMTP server, reached over TLS (STARTTLS or TLS from the first byte) with its certificate verified.",
        address: "`smtp://host:port` (port 25 by default; 587 for submission) or `smtps://host:port` (TLS from the first byte, port 465 by default).",
        settings: ObjectSpec([
            FieldSpec(
                "tls",
                .choice([
                    Choice("auto", help: "STARTTLS when the server offers it, plain SMTP otherwise (the default for `smtp://`)."),
                    Choice("starttls", help: "STARTTLS, and no mail if the server does not offer it."),
                    Choice("implicit", help: "TLS from the first byte (the default, and the only choice, for `smtps://`)."),
                    Choice("none", help: "Never TLS: a relay on the same host."),
                ]), help: "How the connection is protected."),
            FieldSpec(
                "ca_file", .string(TextRules(nonEmpty: true)),
                help: "A PEM file of CA certificates to trust instead of the system's (a private CA, or a self-signed server certificate)."),
            FieldSpec(
                "allow_plaintext_auth", .boolean, default: .bool(false),
                help: "Send the password over a connection without TLS (a relay on a trusted network); otherwise the step fails before sending it."),
            FieldSpec(
                "auth", .choice([Choice("plain", aliases: ["PLAIN"]), Choice("login", aliases: ["LOGIN"])]),
                help: "The AUTH method; default PLAIN when the server offers it, else LOGIN."),
        ]),
        credentials: [
            .credential("username", help: "Log in as this user (no credentials: no AUTH)."),
            .credential("password", help: "The user's password."),
        ])

    /// The settings an smtp instance takes (from `spec`).
    static let knownSettings = spec.settings.fields.map(\.name)

    /// A client for `instance`, or a failure saying what is wrong with the instance (never transient).
    static func client(for instance: Instance, timeout: Duration) throws(ShapeFailure) -> SMTPClient {
        let prefix = "instance '\(instance.name)'"
        guard instance.connectorType == "smtp" else {
            throw ShapeFailure("\(prefix) is a \(instance.connectorType) instance; notify email needs an smtp instance")
        }
        var settings: JSON.Object = [:]
        if case .object(let object) = instance.settings { settings = object }
        for key in settings.keys where !knownSettings.contains(key) {
            throw ShapeFailure("\(prefix): unknown setting '\(key)' (smtp instances take \(knownSettings.joined(separator: ", ")))")
        }
        guard let url = URLComponents(string: instance.address), let scheme = url.scheme, ["smtp", "smtps"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw ShapeFailure("\(prefix): the address must be smtp://host:port or smtps://host:port, found \(instance.address)")
        }
        let tlsText = text(settings["tls"]) ?? (scheme == "smtps" ? "implicit" : "auto")
        guard let security = SMTPClient.Security(rawValue: tlsText) else {
            throw ShapeFailure("\(prefix): tls must be \(SMTPClient.Security.allCases.map(\.rawValue).joined(separator: ", ")), found '\(tlsText)'")
        }
        if scheme == "smtps" && security != .implicit {
            throw ShapeFailure("\(prefix): an smtps:// address is TLS from the first byte, so tls=\(tlsText) does not fit; use smtp:// for it")
        }
        var allowsPlaintextAuth = false
        if let value = settings["allow_plaintext_auth"] {
            switch value {
            case .bool(let flag): allowsPlaintextAuth = flag
            case .string("true"): allowsPlaintextAuth = true
            case .string("false"): allowsPlaintextAuth = false
            default: throw ShapeFailure("\(prefix): allow_plaintext_auth must be true or false")
            }
        }
        let caFile = text(settings["ca_file"])
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ShapeFailure("\(prefix): ca_file '\(caFile)' cannot be read")
        }
        let auth = text(settings["auth"])?.lowercased()
        if let auth, !["plain", "login"].contains(auth) {
            throw ShapeFailure("\(prefix): auth must be plain or login, found '\(auth)'")
        }
        let username = instance.credentials["username"]
        let password = instance.credentials["password"]
        if (username == nil) != (password == nil) {
            throw ShapeFailure("\(prefix): give both credentials username and password, or neither")
        }
        return SMTPClient(
            host: host, port: url.port ?? (security == .implicit ? 465 : 25), security: security,
            trustedCertificates: caFile, allowsPlaintextAuth: allowsPlaintextAuth, username: username,
            password: password, authMethod: auth, timeout: timeout)
    }

    /// `skein instance test` for an smtp instance: connects, secures the connection and logs in
    /// as a notify step would, then quits without sending anything.
    static func testConnection(instance: Instance) async -> (ok: Bool, message: String) {
        do {
            let client = try client(for: instance, timeout: instance.timeout)
            let checked = try await client.check()
            return (true, "instance '\(instance.name)': \(checked)")
        } catch let failure as ShapeFailure {
            return (false, instance.redact(failure.message))
        } catch {
            return (false, instance.redact("instance '\(instance.name)': \(error)"))
        }
    }

    private static func text(_ value: JSON?) -> String? {
        if case .string(let text)? = value, !text.isEmpty { return text }
        return nil
    }
}
