import Foundation
import SkeinCore
import SkeinJSON
import SkeinTestSupport
import Testing

@testable import SkeinShapes

@Suite struct NotifyTests {
    @Test func payloadTextCannotAddHeadersOrEndTheMessageEarly() {
        let message = SMTPClient.Message(
            from: "Skein <skein@example.com>", to: ["ops@example.com\r\nBcc: thief@example.com"],
            subject: "Order 1042\r\nBcc: thief@example.com", body: "line one\n.\nQUIT\n..two dots")
        let content = SMTPClient.content(message, heloName: "skein.test")
        let headers = content.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") })
        #expect(headers.contains("Subject: Order 1042  Bcc: thief@example.com"))
        // A lone dot in the body is doubled, so the server does not take it as the end of DATA.
        #expect(content.hasSuffix("line one\r\n..\r\nQUIT\r\n...two dots"))
        #expect(SMTPClient.address("Skein <skein@example.com>") == "skein@example.com")
        #expect(!SMTPClient.address("a@b.c>\r\nRCPT TO:<x@y.z").unicodeScalars.contains { "\r\n<>".unicodeScalars.contains($0) })
    }

    @Test func nonASCIISubjectsAndBodiesAreEncoded() {
        let content = SMTPClient.content(
            SMTPClient.Message(from: "a@b.c", to: ["d@e.f"], subject: "Bestellung für Zoë", body: "Grüße"),
            heloName: "skein.test")
        #expect(content.contains("Subject: =?UTF-8?B?\(Data("Bestellung für Zoë".utf8).base64EncodedString())?="))
        #expect(content.contains("Content-Transfer-Encoding: base64"))
        #expect(content.hasSuffix(Data("Grüße".utf8).base64EncodedString()))
    }
}

/// How an smtp instance's address and settings become a client, and what is refused.
@Suite struct SMTPInstanceTests {
    func instance(_ address: String, settings: JSON.Object = [:], credentials: [String: String] = [:]) -> Instance {
        Instance(name: "mail", connectorType: "smtp", address: address, settings: .object(settings), credentials: credentials)
    }

    func refusal(_ instance: Instance) -> String {
        do {
            _ = try SMTPInstance.client(for: instance, timeout: .seconds(5))
            return "accepted"
        } catch {
            return error.message
        }
    }

    @Test func addressesAndDefaults() throws {
        let plain = try SMTPInstance.client(for: instance("smtp://mail.example.com"), timeout: .seconds(5))
        #expect(plain.port == 25 && plain.security == .auto && !plain.allowsPlaintextAuth && plain.trustedCertificates == nil)
        let implicit = try SMTPInstance.client(for: instance("smtps://mail.example.com"), timeout: .seconds(5))
        #expect(implicit.port == 465 && implicit.security == .implicit)
        let submission = try SMTPInstance.client(
            for: instance(
                "smtp://mail.example.com:587", settings: ["tls": "starttls", "auth": "login"],
                credentials: ["username": "alerts", "password": "pw-123456"]),
            timeout: .seconds(5))
        #expect(submission.port == 587 && submission.security == .starttls && submission.authMethod == "login")
        #expect(submission.username == "alerts" && submission.password == "pw-123456")
        let relay = try SMTPInstance.client(
            for: instance("smtp://127.0.0.1:2525", settings: ["tls": "none", "allow_plaintext_auth": true]),
            timeout: .seconds(5))
        #expect(relay.security == .none && relay.allowsPlaintextAuth)
    }

    @Test func mistakesAreNamed() {
        #expect(
            refusal(instance("http://mail.example.com"))
                == "instance 'mail': the address must be smtp://host:port or smtps://host:port, found http://mail.example.com")
        #expect(
            refusal(instance("smtp://m.example.com", settings: ["tls": "yes"])) == "instance 'mail': tls must be auto, starttls, implicit, none, found 'yes'")
        #expect(refusal(instance("smtps://m.example.com", settings: ["tls": "none"])).contains("an smtps:// address is TLS from the first byte"))
        #expect(
            refusal(instance("smtp://m.example.com", settings: ["starttls": "true"]))
                == "instance 'mail': unknown setting 'starttls' (smtp instances take tls, ca_file, allow_plaintext_auth, auth)")
        #expect(
            refusal(instance("smtp://m.example.com", settings: ["allow_plaintext_auth": "yes"]))
                == "instance 'mail': allow_plaintext_auth must be true or false")
        #expect(refusal(instance("smtp://m.example.com", settings: ["ca_file": "/no/such.pem"])) == "instance 'mail': ca_file '/no/such.pem' cannot be read")
        #expect(refusal(instance("smtp://m.example.com", settings: ["auth": "cram-md5"])) == "instance 'mail': auth must be plain or login, found 'cram-md5'")
        #expect(
            refusal(instance("smtp://m.example.com", credentials: ["username": "alerts"]))
                == "instance 'mail': give both credentials username and password, or neither")
        var http = instance("smtp://m.example.com")
        http.connectorType = "http"
        #expect(refusal(http) == "instance 'mail' is a http instance; notify email needs an smtp instance")
    }
}

/// The SMTP client against a server that misbehaves on purpose (a scripted socket on port 0).
@Suite struct SMTPHostileServerTests {
    func client(_ server: ScriptedSMTPServer, security: SMTPClient.Security = .auto) -> SMTPClient {
        SMTPClient(
            host: "127.0.0.1", port: server.port, security: security, username: "alerts", password: "pw-123456",
            timeout: .seconds(30))
    }

    func failure(_ client: SMTPClient) async -> SMTPClient.Failure? {
        do {
            try await client.send(SMTPClient.Message(from: "a@example.com", to: ["b@example.com"], subject: "s", body: "b"))
            return nil
        } catch {
            return error
        }
    }

    @Test func textAfterTheAnswerToSTARTTLSIsRefusedNotReadAsEncrypted() async throws {
        // A man in the middle answers STARTTLS and appends a reply of its own in plain text (CVE-2011-0411).
        let server = try ScriptedSMTPServer(["220 mx ready", "250-mx\r\n250 STARTTLS", "220 go ahead\r\n250 injected"])
        let error = await failure(client(server))
        #expect(error?.description == "the SMTP server 127.0.0.1:\(server.port) sent more text after agreeing to STARTTLS; not starting TLS on it")
        #expect(error?.isTransient == false)
        #expect(server.received.allSatisfy { !$0.hasPrefix("AUTH") })
    }

    @Test func anEndlessLineIsCutOffNotBuffered() async throws {
        let server = try ScriptedSMTPServer(["220 " + String(repeating: "x", count: 100_000)])
        let error = await failure(client(server))
        #expect(error?.description == "the SMTP server 127.0.0.1:\(server.port) sent a line longer than 16384 bytes")
    }

    @Test func somethingThatIsNotSMTPIsSaidSo() async throws {
        let server = try ScriptedSMTPServer(["SSH-2.0-OpenSSH_9.2"])
        let error = await failure(client(server))
        #expect(error?.description == "the SMTP server 127.0.0.1:\(server.port) answered something that is not SMTP: SSH-2.0-OpenSSH_9.2")
    }

    @Test func aServerThatHangsUpIsTransient() async throws {
        let server = try ScriptedSMTPServer(["220 mx ready"])  // then closes
        let error = await failure(client(server))
        #expect(error?.description == "the SMTP server 127.0.0.1:\(server.port) closed the connection")
        #expect(error?.isTransient == true)
    }

    @Test func nothingListeningIsTransient() async throws {
        let closed = try ClosedPort()
        let error = await failure(SMTPClient(host: "127.0.0.1", port: closed.port, timeout: .seconds(30)))
        #expect(error?.description == "cannot connect to the SMTP server 127.0.0.1:\(closed.port): Connection refused")
        #expect(error?.isTransient == true)
        withExtendedLifetime(closed) {}
    }
}
