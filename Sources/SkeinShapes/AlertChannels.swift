public import AsyncHTTPClient
import Foundation
import NIOCore
public import SkeinCore
import SkeinJSON

/// The real `AlertDelivery`: mail through the notify shape's SMTP client (TLS verified, see
/// `sendEmail`), webhooks through Skein's shared HTTP client. Each send has `timeout`.
public struct AlertChannels: AlertDelivery {
    let client: HTTPClient
    let timeout: Duration

    public init(client: HTTPClient, timeout: Duration = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    /// Reads `instance` as the notify shape does (`SMTPInstance.client`): its `tls` setting
    /// (STARTTLS when offered, required, implicit for `smtps://`, or none), its `ca_file`, and
    /// AUTH refused over a connection without TLS unless `allow_plaintext_auth` — the same
    /// verified swift-nio-ssl client, so alerts reach any mail provider the notify shape does.
    public func sendEmail(instance: Instance, from: String, to: [String], subject: String, body: String) async throws {
        let smtp: SMTPClient
        do { smtp = try SMTPInstance.client(for: instance, timeout: timeout) } catch {
            throw AlertChannelError(instance.redact(error.message.replacingOccurrences(of: "notify email", with: "alert mail")))
        }
        do { try await smtp.send(SMTPClient.Message(from: from, to: to, subject: subject, body: body)) } catch {
            throw AlertChannelError("email through '\(instance.name)' not sent: \(instance.redact(error.description))")
        }
    }

    public func postWebhook(url: String, text: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: JSON.object(["text": .string(text)]).serialized()))
        let status: UInt
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.components.seconds * 1000)))
            status = response.status.code
            _ = try? await response.body.collect(upTo: 1 << 16)
        } catch {
            throw AlertChannelError("POST to \(AlertDeliverySafety.safe(url)) failed: \(error)")
        }
        guard (200..<300).contains(status) else { throw AlertChannelError("POST to \(AlertDeliverySafety.safe(url)) answered \(status)") }
    }
}

public struct AlertChannelError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
