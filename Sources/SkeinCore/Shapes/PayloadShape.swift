import SkeinJSON

/// `payload`: replaces whatever arrives with a fixed payload written in the flow
/// (a test order, a fixed request body). Settings: `json:` any JSON value, or `text:` with
/// an optional `content_type:` (default `text/plain`).
public struct PayloadShape: ShapeKind {
    public init() {}
    public var type: String { "payload" }
    public var summary: String { "Inject a fixed payload written in the flow." }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let json = settings.raw("json")
        let text = settings.string("text")
        let contentType = settings.string("content_type")
        settings.finish()
        let payload: Payload
        switch (json, text) {
        case (let json?, nil): payload = Payload(json: json)
        case (nil, let text?): payload = Payload(bytes: Array(text.utf8), contentType: contentType ?? "text/plain")
        case (nil, nil):
            if settings.has("json") { payload = Payload(json: .null) } else {
                settings.report("json", "give the payload as json: or text:")
                return nil
            }
        default:
            settings.report("text", "give either json: or text:, not both")
            return nil
        }
        return settings.problems.isEmpty ? Executor(payload: payload) : nil
    }

    struct Executor: ShapeExecutor {
        let payload: Payload
        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            ShapeResult(outputs: [payload])
        }
    }
}
