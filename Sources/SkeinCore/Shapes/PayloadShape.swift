import SkeinJSON

/// `payload`: replaces whatever arrives with a fixed payload written in the flow
/// (a test order, a fixed request body). Settings: `json:` any JSON value, or `text:` with
/// an optional `content_type:` (default `text/plain`).
public struct PayloadShape: ShapeKind {
    public init() {}

    public static let spec = ShapeSpec(
        type: "payload", category: .data, touchesNoSystem: true, summary: "Inject a fixed payload written in the flow.",
        help: "Whatever arrives is replaced: use it for a test order or a fixed request body.",
        settings: ObjectSpec(
            [
                FieldSpec("json", .anyJSON, help: "The payload as any JSON value."),
                FieldSpec("text", .string, help: "The payload as text (CSV, XML, …)."),
                FieldSpec("content_type", .string(TextRules(nonEmpty: true)), default: "text/plain", help: "The content type of a `text:` payload."),
            ],
            rules: [
                .exactlyOne(
                    ["json", "text"], whenNone: RuleMessage("json", "give the payload as json: or text:"),
                    whenSeveral: RuleMessage("text", "give either json: or text:, not both")),
                .onlyWhen("content_type", .present("text"), message: "applies to text:; a json: payload is application/json"),
            ]),
        example: """
            - id: test-order
              payload: { json: { orders: [ { id: 1, financial_status: paid } ] } }
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        if let text = settings.optional.string("text") {
            return Executor(payload: Payload(bytes: Array(text.utf8), contentType: settings.string("content_type")))
        }
        return Executor(payload: Payload(json: settings.optional.json("json") ?? .null))
    }

    struct Executor: ShapeExecutor {
        let payload: Payload
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            ShapeResult(outputs: [payload])
        }
    }
}
