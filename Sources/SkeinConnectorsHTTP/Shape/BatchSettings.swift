import SkeinCore
import SkeinJSON

/// `batch:` on a send: several payloads in one request, for destinations with a bulk endpoint
/// (most ERPs and warehouses take a list of orders or stock lines in one call).
///
/// ```yaml
/// batch: { size: 100, wrap_key: orders, results_path: results }
/// ```
///
/// The payloads are taken in order, `size` at a time; each request's body is the JSON array of
/// their documents, or `{"orders": [...]}` with `wrap_key`. When the answer — or the value at
/// `results_path` in it — is an array with one element per payload sent, element *i* is payload
/// *i*'s answer: it becomes that payload's output and `sync.endpoint_id` is read from it. Any
/// other answer is the batch's single output, and the items' endpoint ids stay empty (a warning
/// says so). A refused or failed request fails every payload of its batch (with `sync:`, each
/// becomes Pending or Failed like a single send; without it the step fails). `concurrency:`
/// counts batches in flight; an `idempotency_key` header is stable per batch across retries.
struct BatchSettings: Sendable {
    /// The most payloads in one request.
    var size: Int
    /// When set, the body is `{wrapKey: [...]}` instead of the bare array.
    var wrapKey: String?
    /// Where the per-payload answers are in the response (default: the response itself).
    var resultsPath: FieldPath?

    static let spec = ObjectSpec([
        FieldSpec("size", .integer(1...10_000), required: true, help: "The most payloads in one request."),
        FieldSpec("wrap_key", .string, help: "The body is `{wrap_key: [...]}` instead of the bare array."),
        FieldSpec(
            "results_path", .fieldPath,
            help: "Where the per-payload answers are in the response (default: the response itself); element i answers payload i."),
    ])

    /// The payloads `payloads[range]` as one request payload.
    func requestPayload(_ payloads: ArraySlice<Payload>) throws(ShapeFailure) -> Payload {
        var documents: [JSON] = []
        documents.reserveCapacity(payloads.count)
        for (index, payload) in zip(payloads.indices, payloads) {
            do { documents.append(try payload.json()) } catch {
                throw ShapeFailure("payload \(index): \(error); batch: sends JSON payloads only")
            }
        }
        if let wrapKey { return Payload(json: .object([wrapKey: .array(documents)])) }
        return Payload(json: .array(documents))
    }

    /// The per-payload answers in `answer`, when it has exactly one for each of `count` payloads.
    func results(in answer: Payload, count: Int) -> [JSON]? {
        guard let document = try? answer.json() else { return nil }
        let list = resultsPath.map { $0.value(in: document) } ?? document
        guard case .array(let elements)? = list, elements.count == count else { return nil }
        return elements
    }
}

extension BatchSettings {
    init(_ settings: ValidSettings) {
        self.init(size: settings.int("size"), wrapKey: settings.optional.string("wrap_key"), resultsPath: settings.optional.fieldPath("results_path"))
    }
}
