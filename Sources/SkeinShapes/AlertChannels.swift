public import AsyncHTTPClient
import Foundation
import NIOCore
public import SkeinCore
import SkeinJSON

/// The real `AlertDelivery`: mail through the notify shape's SMTP client, webhooks through
/// Skein's shared HTTP client. Each send has `timeout`.
public struct AlertChannels: AlertDelivery {
    let client: HTTPClient
    let timeout: Duration

    public init(client: HTTPClient, timeout: Duration = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    public func sendEmail(instance: Instance, from: String, to: [String], subject: String, body: String) async throws {
        guard instance.connectorType == "smtp" else {
            throw AlertChannelError("instance '\(instance.name)' is a \(instance.connectorType) instance; alert mail needs an smtp instance")
        }
        guard let url = URLComponents(string: instance.address), url.scheme == "smtp", let host = url.host, !host.isEmpty else {
            throw AlertChannelError("instance '\(instance.name)' address must be smtp://host:port, found \(instance.address)")
        }
        let smtp = SMTPClient(host: host, port: url.port ?? 25, username: instance.credentials["username"], password: instance.credentials["password"],
                              authMethod: instance.settings.objectValue?["auth"]?.stringValue, timeout: timeout)
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
