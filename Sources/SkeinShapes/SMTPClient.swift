import Foundation

/// A small SMTP client (RFC 5321) on SwiftNIO: EHLO (HELO as fallback), STARTTLS (RFC 3207)
/// or TLS from the first byte (RFC 8314 "implicit TLS", port 465), AUTH PLAIN or LOGIN when
/// credentials are given, MAIL FROM, RCPT TO, DATA. One connection per message.
///
/// TLS is swift-nio-ssl with full certificate verification: the chain must lead to a trusted
/// root (the system's, or the instance's `ca_file` instead) and the certificate must name the
/// host the address names. A password is never sent over a connection that is not encrypted
/// unless the instance allows it (`allow_plaintext_auth`). Every reply has `timeout`.
struct SMTPClient: Sendable {
    var host: String
    var port: Int
    var security: Security = .auto
    /// PEM certificates trusted instead of the system's roots (a private CA); nil: the system's.
    var trustedCertificates: String?
    /// Send AUTH over a connection that is not encrypted (a relay on a trusted network).
    var allowsPlaintextAuth = false
    var username: String?
    var password: String?
    /// `plain`, `login`, or nil to pick what the server offers.
    var authMethod: String?
    var timeout: Duration
    /// The name we greet the server with.
    var heloName = "skein.localhost"

    /// How the connection is protected.
    enum Security: String, Sendable, CaseIterable {
        /// STARTTLS when the server offers it (verified like any TLS), plain SMTP otherwise.
        case auto
        /// STARTTLS, and no mail if the server does not offer it.
        case starttls
        /// TLS from the first byte (`smtps://`, port 465).
        case implicit
        /// Never TLS: a relay on the same host.
        case none
    }

    struct Message: Sendable {
        var from: String
        var to: [String]
        var subject: String
        var body: String
    }

    /// Why a message could not be sent, with the server's answer when it gave one.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// A 4xx answer or a connection problem: trying again later may work.
        var isTransient: Bool
    }

    var peer: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Sends `message` in one SMTP conversation.
    func send(_ message: Message) async throws(Failure) {
        try await converse { connection throws(Failure) in
            try await connection.command("MAIL FROM:<\(SMTPClient.address(message.from))>", expect: 250, during: "MAIL FROM")
            for recipient in message.to {
                try await connection.command(
                    "RCPT TO:<\(SMTPClient.address(recipient))>", expect: 250, during: "RCPT TO \(recipient)",
                    alsoAccept: [251])
            }
            try await connection.command("DATA", expect: 354, during: "DATA")
            try await connection.write(SMTPClient.content(message, heloName: heloName) + "\r\n.\r\n")
            try await connection.expect(250, during: "the end of DATA")
        }
    }

    /// Connects, greets, secures the connection and logs in as `send` does, then quits: what
    /// `skein instance test` reports. Returns what was checked, in one sentence.
    func check() async throws(Failure) -> String {
        var secured = false
        try await converse { connection throws(Failure) in secured = connection.isEncrypted }
        let tls = secured ? "over TLS (certificate verified)" : "without TLS"
        return "the SMTP server \(peer) answered \(tls)" + (username == nil ? "" : " and accepted the login")
    }

    /// Opens the connection, EHLO, TLS as configured, AUTH; runs `body`; QUIT.
    private func converse(_ body: (SMTPConnection) async throws(Failure) -> Void) async throws(Failure) {
        let tls = try tlsSetup()
        try await SMTPConnection.run(
            host: host, port: port, peer: peer, timeout: timeout,
            implicitTLS: security == .implicit ? tls : nil
        ) { connection async throws(Failure) in
            try await connection.expect(220, during: "the greeting")
            var extensions = try await ehlo(connection)
            if security == .starttls || security == .auto {
                if extensions.contains("STARTTLS") {
                    try await connection.command("STARTTLS", expect: 220, during: "STARTTLS")
                    try await connection.startTLS(tls)
                    extensions = try await ehlo(connection)  // RFC 3207: forget what was said in plain text
                } else if security == .starttls {
                    throw Failure(
                        description: "the SMTP server \(peer) does not offer STARTTLS (the instance requires it: tls=starttls)",
                        isTransient: false)
                }
            }
            try await authenticate(connection, extensions: extensions)
            try await body(connection)
            try? await connection.command("QUIT", expect: 221, during: "QUIT")
        }
    }

    private func tlsSetup() throws(Failure) -> SMTPConnection.TLS? {
        guard security != .none else { return nil }
        do {
            return try SMTPConnection.TLS(serverName: host, trustedCertificates: trustedCertificates)
        } catch {
            throw Failure(description: "cannot set up TLS for the SMTP server \(peer): \(error)", isTransient: false)
        }
    }

    private func ehlo(_ connection: SMTPConnection) async throws(Failure) -> [String] {
        try await connection.write("EHLO \(heloName)\r\n")
        let (code, lines) = try await connection.reply()
        if code == 250 { return Array(lines.dropFirst()).map { $0.uppercased() } }
        try await connection.command("HELO \(heloName)", expect: 250, during: "HELO")
        return []
    }

    private func authenticate(_ connection: SMTPConnection, extensions: [String]) async throws(Failure) {
        guard let username, let password else { return }
        guard connection.isEncrypted || allowsPlaintextAuth else {
            let why = security == .none ? "the instance sets tls: none" : "the server did not offer STARTTLS"
            throw Failure(
                description: """
                    refusing to send the password to the SMTP server \(peer) without TLS (\(why)); use an smtps:// address or a \
                    server that offers STARTTLS, or set allow_plaintext_auth=true on the instance for a relay on a trusted network
                    """, isTransient: false)
        }
        let offered = extensions.first { $0.hasPrefix("AUTH") }?.split(separator: " ").dropFirst().map { $0.uppercased() } ?? []
        let method = authMethod?.uppercased() ?? (offered.contains("PLAIN") || offered.isEmpty ? "PLAIN" : "LOGIN")
        if method == "PLAIN" {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await connection.command("AUTH PLAIN \(token)", expect: 235, during: "AUTH PLAIN")
        } else {
            try await connection.command("AUTH LOGIN", expect: 334, during: "AUTH LOGIN")
            try await connection.command(Data(username.utf8).base64EncodedString(), expect: 334, during: "AUTH LOGIN (username)")
            try await connection.command(Data(password.utf8).base64EncodedString(), expect: 235, during: "AUTH LOGIN (password)")
        }
    }

    /// Keeps only what belongs between `<` and `>`: no CR/LF or angle brackets from a payload.
    static func address(_ text: String) -> String {
        var address = text
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = String(address[address.index(after: open)..<close])
        }
        // By scalar: in a Swift string "\r\n" is one Character, equal to neither "\r" nor "\n".
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: address.unicodeScalars.filter { !"\r\n<>".unicodeScalars.contains($0) })
        return String(kept).trimmingCharacters(in: .whitespaces)
    }

    /// Headers and body, dot-stuffed, CRLF line ends; non-ASCII subjects are RFC 2047 encoded,
    /// non-ASCII bodies base64.
    static func content(_ message: Message, heloName: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let oneLine = { (text: String) in text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let subject = oneLine(message.subject)
        let encodedSubject = subject.allSatisfy(\.isASCII) ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        var headers = [
            "From: \(oneLine(message.from))", "To: \(message.to.map(oneLine).joined(separator: ", "))", "Subject: \(encodedSubject)",
            "Date: \(formatter.string(from: Date()))", "Message-ID: <\(UUID().uuidString)@\(heloName)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let lines = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let body: String
        if message.body.allSatisfy(\.isASCII) {
            headers.append("Content-Transfer-Encoding: 7bit")
            body = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        } else {
            headers.append("Content-Transfer-Encoding: base64")
            body = Data(message.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }
}
