import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import SkeinStorageMemory

@testable import SkeinWeb

/// Stands in for the access middleware: every request is made as `identity`.
struct SignedIn: RouterMiddleware {
    typealias Context = SkeinRequestContext
    let identity: Identity?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}

/// A store with a three-step flow and a run of it that failed at the last step; the UI's routes
/// and the API's, every request made as one identity.
struct UIFixture {
    static let csrf = "csrf-token-for-tests"
    static let flowText = """
        id: orders-to-erp
        name: Orders to the <ERP>
        shapes:
          - id: source
            payload: { json: { orders: [ { id: 1 }, { id: 2 } ] } }
          - id: each
            split: { path: orders }
          - id: check
            filter: { condition: "id > 1" }
        """

    let store = MemoryStore()

    static func identity(_ role: Role) -> Identity { Identity(username: "pat", role: role, method: .session, csrfToken: csrf) }

    func application(as identity: Identity? = UIFixture.identity(.builder)) -> some ApplicationProtocol {
        // Middleware applies to the routes added after it, so the stand-in goes first.
        let logger = Logger(label: "ui-test")
        let router = Router(context: SkeinRequestContext.self)
        router.add(middleware: APIErrorMiddleware(logger: logger))
        router.add(middleware: SignedIn(identity: identity))
        let services = WebServices(operations: Operations(store: store, catalog: .permissive))
        UIController(store: store, settings: WebSettings(), services: services, logger: logger).addRoutes(to: router)
        APIRoutes.add(to: router, store: store, services: services, settings: WebSettings())
        return Application(router: router)
    }

    @discardableResult
    func deploy() async throws -> DeployedFlow {
        try await store.deploy(try FlowFile.decode(Self.flowText), source: Self.flowText, now: Date()).flow
    }

    /// Run 1: input, `source` and `each` succeeded, `check` failed with an error holding markup.
    @discardableResult
    func failedRun() async throws -> RunRecord {
        let flow = try await deploy()
        let now = Date()
        let run = try await store.enqueue(
            NewRun(
                flowID: flow.flowID, flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: ["hello": "world"])]), now: now)
        let orders: JSON = ["orders": [["id": 1], ["id": 2]]]
        try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "source", shapeType: "payload", inputCount: 1, inputBytes: 17, now: now)
        try await store.finishStep(
            StepID(run: run.id, sequence: 1), outcome: StepOutcome(status: .success, attempts: 1, outputs: [Payload(json: orders)]), now: now)
        try await store.beginStep(StepID(run: run.id, sequence: 2), shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 30, now: now)
        try await store.finishStep(
            StepID(run: run.id, sequence: 2),
            outcome: StepOutcome(
                status: .success, attempts: 1, outputs: [Payload(json: ["id": 1]), Payload(json: ["id": 2])]), now: now)
        try await store.beginStep(StepID(run: run.id, sequence: 3), shapeID: "check", shapeType: "filter", inputCount: 2, inputBytes: 16, now: now)
        let error = "ERP said <img src=x onerror=alert(1)>"
        try await store.finishStep(StepID(run: run.id, sequence: 3), outcome: StepOutcome(status: .failure, attempts: 1, error: error), now: now)
        try await store.finishRun(runID: run.id, status: .failure, error: error, failedShapeID: "check", now: now)
        return try await store.run(id: run.id)!
    }
}

func withUIFixture(_ body: (UIFixture) async throws -> Void) async throws {
    try await body(UIFixture())
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
}

/// A form body with the test session's CSRF token and a fresh one-time action token (as every
/// recovery form of the pages carries; other actions ignore it).
func form(_ fields: [(String, String)], csrf: String? = UIFixture.csrf) -> ByteBuffer {
    let once = fields.contains { $0.0 == "_once" } ? [] : [("_once", UUID().uuidString)]
    let all = (csrf.map { [("_csrf", $0)] } ?? []) + once + fields
    return ByteBuffer(string: all.map { "\(Link.encode($0.0))=\(Link.encode($0.1))" }.joined(separator: "&"))
}

let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
