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
public struct NotifyShape: ShapeKind, InstanceKind {
    let client: HTTPClient?

    /// `client` is the process's shared HTTP client (POST notifications); nil only when reading flows.
    public init(client: HTTPClient?) {
        self.client = client
    }

    /// `skein instance test` for an smtp instance: connects, secures the connection and logs in as
    /// a notify step would, then quits without sending mail. The message never holds a secret.
    public static func testConnection(instance: Instance) async -> (ok: Bool, message: String) {
        await SMTPInstance.testConnection(instance: instance)
    }

    /// Message texts: compiled by the notify check, which knows whether `template:` makes them
    /// Mustache or JSONata.
    static let text = FieldKind.template(
        TextRules(
            check: TextCheck { _ in nil },
            syntax:
                "Mustache: `{{field.path}}` reads the payload, `{{vars.name}}` a flow variable, `{{.}}` the whole payload; with `template: jsonata`, a JSONata expression."
        ))

    /// The texts of each channel, in the order they are checked.
    static let texts = ["email": ["from", "subject", "body"], "post": ["url", "body"]]

    public static let spec = ShapeSpec(
        type: "notify", category: .messages,
        summary: "Send an email (SMTP) or a POST for each payload, from a template.",
        help: "Payloads pass through unchanged; typically placed in the catch part of a try. Each message sent is recorded on the step.",
        settings: ObjectSpec(
            [
                FieldSpec(
                    "template",
                    .choice([
                        Choice("mustache", help: "Literal text with `{{field.path}}`, `{{vars.name}}` and `{{.}}` placeholders."),
                        Choice("jsonata", help: "Each text is a JSONata expression over the payload."),
                    ]), default: "mustache", help: "How the texts below are written."),
                FieldSpec(
                    "email",
                    .object([
                        FieldSpec(
                            "instance", .instance, required: true,
                            help: "An `smtp` instance (address `smtp://host:port` or `smtps://host:port`, credentials `username`/`password`)."),
                        FieldSpec("from", text, required: true, help: "The sender."),
                        FieldSpec(
                            "to",
                            .anyOf(
                                [text, .list(text, minimum: 1, tooFew: "expected an address or a list of addresses")],
                                mismatch: "expected an address or a list of addresses"), required: true,
                            help: "One address or a list; recipients that render empty are left out."),
                        FieldSpec("subject", text, required: true, help: "The subject line."),
                        FieldSpec("body", text, required: true, help: "The message text."),
                        FieldSpec("timeout", .duration(.positive), default: .duration(.seconds(30)), help: "How long one message may take to send."),
                    ]), help: "Send an email through an SMTP server."),
                FieldSpec(
                    "post",
                    .object([
                        FieldSpec("url", text, required: true, help: "Where to POST."),
                        FieldSpec("body", text, help: "The request body; default: the payload itself (with its content type)."),
                        FieldSpec("content_type", .string(TextRules(nonEmpty: true)), default: "application/json", help: "The content type of `body:`."),
                        FieldSpec("headers", .dictionary(DictionarySpec(keyName: "header name", value: .string)), help: "Extra request headers."),
                        FieldSpec("timeout", .duration(.positive), default: .duration(.seconds(30)), help: "How long the request may take."),
                    ]), help: "POST to a URL through Skein's shared HTTP client; a 5xx or 429 answer is a transient failure."),
            ],
            rules: [
                .exactlyOne(
                    ["email", "post"], whenNone: RuleMessage("", "give email: or post:"),
                    whenSeveral: RuleMessage("post", "give either email: or post:, not both")),
                .check(
                    ObjectCheck("Texts compile as Mustache templates, or as JSONata with `template: jsonata`.") { settings in
                        _ = NotifyShape.channel(settings)
                    }),
            ]),
        example: """
            - id: tell-ops
              notify:
                template: mustache
                email:
                  instance: mail
                  from: Skein <skein@example.com>
                  to: [ops@example.com]
                  subject: "Order {{order_number}} was not sent"
                  body: |
                    Order {{order_number}} for {{customer.email}} failed.
            """)

    public var spec: ShapeSpec { Self.spec }

    /// `smtp` instances, which `email:` sends through (read by `SMTPInstance`).
    public var instanceSpecs: [InstanceSpec] { [SMTPInstance.spec] }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        NotifyShape.channel(settings).map { Executor(client: client, channel: $0) }
    }

    /// Compiles the channel's texts (reporting problems on `settings`); nil when any fails.
    static func channel(_ settings: ValidSettings) -> Channel? {
        let jsonata = settings.optional.string("template") == "jsonata"
        let before = settings.problems.problems.count
        func compile(_ object: ValidSettings, _ key: String, _ text: String?) -> MessageTemplate? {
            text.flatMap { MessageTemplate.compile($0, jsonata: jsonata, settings: object, key: key, setting: "\(object.setting).\(key)") }
        }
        if let email = settings.optional.object("email") {
            let texts = texts["email", default: []].map { compile(email, $0, email.optional.string($0)) }
            let to: [MessageTemplate?] =
                switch email.optional.value("to") {
                case .list(let items)?: items.map { compile(email, "to", $0.string) }
                case let single?: [compile(email, "to", single.string)]
                case nil: []
                }
            guard settings.problems.problems.count == before, let instance = email.optional.string("instance"),
                let from = texts[0], let subject = texts[1], let body = texts[2]
            else { return nil }
            return .email(
                EmailSettings(
                    instance: instance, from: from, to: to.compactMap { $0 }, subject: subject, body: body,
                    timeout: email.duration("timeout")))
        }
        guard let post = settings.optional.object("post") else { return nil }
        let url = compile(post, "url", post.optional.string("url"))
        let body = compile(post, "body", post.optional.string("body"))
        let headers = (post.optional.entries("headers") ?? []).compactMap { entry in entry.value.string.map { (entry.key, $0) } }
        guard settings.problems.problems.count == before, let url else { return nil }
        return .post(PostSettings(url: url, body: body, contentType: post.string("content_type"), headers: headers, timeout: post.duration("timeout")))
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
                throw ShapeFailure(
                    "step '\(context.shapeID)', payload \(index): email not sent: \(instance.redact(error.description))", isTransient: error.isTransient)
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
                throw ShapeFailure(
                    "step '\(context.shapeID)', payload \(index): POST \(url) answered \(status)",
                    isTransient: status >= 500 || status == 429)
            }
            return ["kind": "post", "url": .string(url), "status": .number(Double(status))]
        }
    }
}
