import Foundation
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
        let content = SMTPClient.content(SMTPClient.Message(from: "a@b.c", to: ["d@e.f"], subject: "Bestellung für Zoë", body: "Grüße"),
                                         heloName: "skein.test")
        #expect(content.contains("Subject: =?UTF-8?B?\(Data("Bestellung für Zoë".utf8).base64EncodedString())?="))
        #expect(content.contains("Content-Transfer-Encoding: base64"))
        #expect(content.hasSuffix(Data("Grüße".utf8).base64EncodedString()))
    }
}
