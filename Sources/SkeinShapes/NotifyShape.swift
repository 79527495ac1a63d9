public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SkeinCore
import SkeinJSON

/// `notify`: sends a message for every payload — an email through an SMTP server, or a POST to a
/// URL — written with a template over the payload. Payloads pass through unchanged. Typically
/// used in the catch part of a try/catch, so people hear of a failure.
///
/// ```yaml
/// - id: tell-ops
///   notify:
///     template: mustache           # mustache (default): {{field.path}}, {{vars.name}}, {{.}}; or jsonata
///     email:
///       instance: mail             # an smtp instance: smtp://host:port (STARTTLS when offered) or smtps://host:port
///                                  # (TLS from the first byte); credentials username/password; see SMTPInstance
///       from: skein@example.com
///       to: [ops@example.com]      # or one address; {{templates}} allowed
///       subject: "Order {{order_number}} was not sent"
///       body: |
///         Order {{order_number}} for {{customer.email}} failed.
///     # or
///     post:
///       url: https://hooks.example.com/skein
///       body: '{"text": "Order {{order_number}} failed"}'   # default: the payload itself
///       content_type: application/json
///       timeout: 10s
/// ```
public struct NotifyShape: ShapeKind {
    let client: HTTPClient?

    /// `client` is the process's shared HTTP client (POST notifications); nil only when reading flows.
    public init(client: HTTPClient?) {
        self.client = client
    }

    public var type: String { "notify" }

    /// `skein instance test` for an smtp instance: connects, secures the connection and logs in as
    /// a notify step would, then quits without sending mail. The message never holds a secret.
    public static func testConnection(instance: Instance) async -> (ok: Bool, message: String) {
        await SMTPInstance.testConnection(instance: instance)
    }
    public var summary: String { "Send an email (SMTP) or a POST for each payload, from a template." }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let jsonata = (settings.string("template", allowed: ["mustache", "jsonata"]) ?? "mustache") == "jsonata"
        let compile = { (reader: SettingsReader, key: String, required: Bool) -> MessageTemplate? in
            reader.string(key, required: required).flatMap {
                MessageTemplate.compile($0, jsonata: jsonata, settings: reader, key: key, setting: "notify.\(reader.path.split(separator: ".").last ?? "").\(key)")
            }
        }
        var channel: Channel?
        let email = settings.object("email")
        let post = settings.object("post")
        switch (email, post) {
        case (let email?, nil):
            let instance = email.string("instance", required: true)
            let from = compile(email, "from", true)
            var to: [MessageTemplate] = []
            switch email.raw("to") {
            case .string(let text)?:
                if let template = MessageTemplate.compile(text, jsonata: jsonata, settings: email, key: "to", setting: "notify.email.to") { to = [template] }
            case .array(let items)? where !items.isEmpty:
                for item in items {
                    guard case .string(let text) = item else { email.report("to", "expected addresses (strings)"); continue }
                    if let template = MessageTemplate.compile(text, jsonata: jsonata, settings: email, key: "to", setting: "notify.email.to") { to.append(template) }
                }
            case nil: email.report("to", "required field is missing")
            default: email.report("to", "expected an address or a list of addresses")
            }
            let subject = compile(email, "subject", true)
            let body = compile(email, "body", true)
            let timeout = email.duration("timeout") ?? .seconds(30)
            email.finish()
            if let instance, let from, let subject, let body, !to.isEmpty {
                channel = .email(EmailSettings(instance: instance, from: from, to: to, subject: subject, body: body, timeout: timeout))
            }
        case (nil, let post?):
            let url = compile(post, "url", true)
            let body = compile(post, "body", false)
            let contentType = post.string("content_type") ?? "application/json"
            var headers: [(String, String)] = []
            if let reader = post.object("headers") {
                for (name, value) in reader.members {
                    _ = reader.raw(name)
                    if case .string(let text) = value { headers.append((name, text)) } else { reader.report(name, "expected a string") }
                }
            }
            let timeout = post.duration("timeout") ?? .seconds(30)
            post.finish()
            if let url { channel = .post(PostSettings(url: url, body: body, contentType: contentType, headers: headers, timeout: timeout)) }
        case (nil, nil): settings.report("", "give email: or post:")
        default: settings.report("post", "give either email: or post:, not both")
        }
        settings.finish()
        guard settings.problems.isEmpty, let channel else { return nil }
        return Executor(client: client, channel: channel)
    }

    enum Channel: Sendable {
        case email(EmailSettings)
        case post(PostSettings)
    }

    struct EmailSettings: Sendable {
        var instance: String
        var from: MessageTemplate
        var to: [MessageTemplate]
        var subject: MessageTemplate
        var body: MessageTemplate
        var timeout: Duration
    }

    struct PostSettings: Sendable {
        var url: MessageTemplate
        var body: MessageTemplate?
        var contentType: String
        var headers: [(String, String)]
        var timeout: Duration
    }

    struct Executor: ShapeExecutor {
        let client: HTTPClient?
        let channel: Channel

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var calls: [JSON] = []
            for (index, payload) in input.enumerated() {
                let document = (try? payload.json()) ?? .string(String(decoding: payload.bytes(), as: UTF8.self))
                switch channel {
                case .email(let settings):
                    calls.append(try await sendEmail(settings, document: document, index: index, context: context))
                case .post(let settings):
                    calls.append(try await post(settings, payload: payload, document: document, index: index, context: context))
                }
            }
            return ShapeResult(outputs: input, calls: calls)
        }

        func sendEmail(_ settings: EmailSettings, document: JSON, index: Int, context: ShapeContext) async throws -> JSON {
            let instance = try await context.instances.instance(named: settings.instance)
            let client: SMTPClient
            do { client = try SMTPInstance.client(for: instance, timeout: settings.timeout) } catch {
                throw ShapeFailure("step '\(context.shapeID)': \(error.message)")
            }
            let message = SMTPClient.Message(
                from: try settings.from.render(document, payloadIndex: index, context: context),
                to: try settings.to.map { try $0.render(document, payloadIndex: index, context: context) }.filter { !$0.isEmpty },
                subject: try settings.subject.render(document, payloadIndex: index, context: context),
                body: try settings.body.render(document, payloadIndex: index, context: context))
            guard !message.to.isEmpty else { throw ShapeFailure("step '\(context.shapeID)', payload \(index): the email has no recipient (to: gave nothing)") }
            do { try await client.send(message) } catch {
                throw ShapeFailure("step '\(context.shapeID)', payload \(index): email not sent: \(instance.redact(error.description))", isTransient: error.isTransient)
            }
            return ["kind": "email", "instance": .string(instance.name), "to": .array(message.to.map(JSON.string)), "subject": .string(message.subject)]
        }

        func post(_ settings: PostSettings, payload: Payload, document: JSON, index: Int, context: ShapeContext) async throws -> JSON {
            guard let client else { throw ShapeFailure("step '\(context.shapeID)': no HTTP client is configured") }
            let url = try settings.url.render(document, payloadIndex: index, context: context)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let body = try settings.body.map { Array(try $0.render(document, payloadIndex: index, context: context).utf8) } ?? payload.bytes()
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: settings.body == nil ? payload.contentType : settings.contentType)
            for (name, value) in settings.headers { request.headers.add(name: name, value: value) }
            let status: UInt
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeout.seconds * 1000)))
                status = response.status.code
                _ = try? await response.body.collect(upTo: 1 << 20)
            } catch {
                throw ShapeFailure("step '\(context.shapeID)', payload \(index): POST \(url) failed: \(error)", isTransient: true)
            }
            guard (200..<300).contains(status) else {
                throw ShapeFailure("step '\(context.shapeID)', payload \(index): POST \(url) answered \(status)",
                                   isTransient: status >= 500 || status == 429)
            }
            return ["kind": "post", "url": .string(url), "status": .number(Double(status))]
        }
    }
}
