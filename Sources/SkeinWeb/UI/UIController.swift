import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import SkeinCore
import SkeinEngine
import SkeinOperations
import SkeinStorage

/// The web UI: server-rendered pages (Pages/), one stylesheet and one script (Assets/), and the
/// form actions behind their buttons. Every page needs a signed-in viewer; actions need the
/// role they would need in the API (operator: re-run and resync; builder: change flows and
/// notification groups) and
/// the session's CSRF token. Actions call the same library code as the CLI (RunRecovery,
/// ManualRun, SyncResender, the store), and runs they start are queued for the workers.
struct UIController: Sendable {
    /// What the pages show and the buttons change: flows, the run log, counts and the sync report.
    typealias Store = FlowReader & FlowWriter & FlowDraftStore & AuditLog & RunIntake & RunLogReader & RunCountStore & SyncReportReader & InstanceStore

    let store: any Store
    let settings: WebSettings
    /// The catalog flows are read with (skip toggles deploy) and the sync resender.
    let services: WebServices
    let logger: Logger
    /// The run event streams open in this process (`RunEventStream`'s limit).
    let runEvents = RunEventGate()

    /// The operations the pages read through and the buttons call.
    var operations: Operations { services.operations }

    typealias Handler = @Sendable (Request, SkeinRequestContext) async throws -> Response

    func addRoutes(to router: Router<SkeinRequestContext>) {
        AssetRoutes.add(to: router)
        router.get("/", use: page(.viewer) { try await DashboardPage(ui: self, identity: $2).response($0) })
        router.get("flows", use: page(.viewer) { try await FlowsPage(ui: self, identity: $2).response($0) })
        router.get("flows/new", use: page(.builder) { try await NewFlowPage(ui: self, identity: $2).response($0) })
        router.post("flows/new", use: action(.builder) { try await NewFlowPage.create($0, ui: self, identity: $2) })
        router.get("flows/:flow", use: page(.viewer) { try await FlowPage(ui: self, identity: $2).response($0, $1) })
        router.get("flows/:flow/diff", use: page(.viewer) { try await FlowDiffPage(ui: self, identity: $2).response($0, $1) })
        router.get("flows/:flow/text", use: page(.viewer) { try await FlowTextPage(ui: self, identity: $2).response($0, $1) })
        router.get("drafts/new", use: page(.builder) { try await FlowTextPage(ui: self, identity: $2).newFlow($0) })
        router.get("instances", use: page(.viewer) { try await InstancesPage(ui: self, identity: $2).response($0) })
        router.get("runs", use: page(.viewer) { try await RunsPage(ui: self, identity: $2).response($0) })
        router.get("runs/:run", use: page(.viewer) { try await RunPage(ui: self, identity: $2).response($0, $1) })
        router.get("runs/:run/steps/:step/payloads", use: page(.viewer) { try await StepPayloadsPage(ui: self, identity: $2).response($0, $1) })
        router.get("runs/:run/events", use: page(.viewer) { try await RunEventStream(ui: self, identity: $2).response($1) })
        router.get("runs/:run/payloads/:sequence/:index", use: page(.viewer) { try await PayloadPage(ui: self, identity: $2).response($0, $1) })
        router.get("runs/:run/payloads/:sequence/:index/download", use: page(.viewer) { try await PayloadPage(ui: self, identity: $2).download($1) })
        router.get("sync", use: page(.viewer) { try await SyncReportPage(ui: self, identity: $2).response($0) })
        router.get("sync/csv", use: page(.viewer) { try await SyncReportPage(ui: self, identity: $2).csv($0) })
        router.get("sync/:entry", use: page(.viewer) { try await SyncEntryPage(ui: self, identity: $2).response($0, $1) })
        router.get("sync/:entry/payload", use: page(.viewer) { try await SyncEntryPage(ui: self, identity: $2).download($1) })
        router.get("runs/retry", use: page(.operator) { try await BulkRetryPage(ui: self, identity: $2).response($0) })
        router.get("playground", use: page(.viewer) { try await PlaygroundPage(ui: self, identity: $2).response($0) })
        router.get("alerts", use: page(.viewer) { try await AlertsPage(ui: self, identity: $2).response($0) })
        router.get("blueprints", use: page(.viewer) { try await BlueprintsPage(ui: self, identity: $2).response($0) })
        router.get("lookups", use: page(.viewer) { try await LookupsPage(ui: self, identity: $2).list($0) })
        router.get("lookups/:name", use: page(.viewer) { try await LookupsPage(ui: self, identity: $2).table($0, $1) })
        router.get("lookups/:name/rows.csv", use: page(.viewer) { try await LookupsPage(ui: self, identity: $2).export($1) })

        let actions = UIActions(ui: self)
        router.post("flows/:flow/enabled", use: action(.builder) { try await actions.setEnabled($0, $1, $2) })
        router.post("flows/:flow/skip", use: action(.builder) { try await actions.setSkip($0, $1, $2) })
        router.post("flows/:flow/initialise", use: action(.operator) { try await actions.initialise($0, $1, $2) })
        router.post("runs/:run/retry", use: action(.operator) { try await actions.retry($0, $1, $2) })
        router.post("runs/retry", use: action(.operator) { try await actions.bulkRetry($0, $1, $2) })
        router.post("runs/:run/replay", use: action(.operator) { try await actions.replay($0, $1, $2) })
        router.post("sync/resync", use: action(.operator) { try await actions.resync($0, $1, $2) })
        let alerts = AlertActions(ui: self)
        router.post("alerts", use: action(.builder) { try await alerts.create($0, $1, $2) })
        router.post("alerts/:name", use: action(.builder) { try await alerts.update($0, $1, $2) })
        router.post("alerts/:name/delete", use: action(.builder) { try await alerts.delete($0, $1, $2) })
        let lookupActions = LookupActions(ui: self)
        router.post("lookups", use: action(.builder) { try await lookupActions.create($0, $1, $2) })
        router.post("lookups/:name/rows", use: action(.builder) { try await lookupActions.setRow($0, $1, $2) })
        router.post("lookups/:name/rows/remove", use: action(.builder) { try await lookupActions.removeRow($0, $1, $2) })
        router.post("lookups/:name/settings", use: action(.builder) { try await lookupActions.settings($0, $1, $2) })
        router.post("lookups/:name/delete", use: action(.builder) { try await lookupActions.delete($0, $1, $2) })
        router.post("playground/evaluate", use: jsonAction(.viewer) { try await PlaygroundPage(ui: self, identity: $2).evaluate($0) })
    }

    // MARK: - Handlers

    /// A page: signed-out visitors go to the login page and come back; other refusals and
    /// missing things are shown as a page, not as JSON.
    func page(_ role: Role, _ body: @escaping @Sendable (Request, SkeinRequestContext, Identity) async throws -> Response) -> Handler {
        { request, context in
            do {
                let identity = try context.require(role)
                do { return try await body(request, context, identity) } catch let error as OperationError { throw APIError(error) }
            } catch let error as APIError {
                if error.code == .unauthenticated {
                    return UIController.redirect(to: Link("/login", [("next", request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))]).description)
                }
                return errorPage(error, identity: context.identity)
            }
        }
    }

    /// A form action: role, then CSRF token (`_csrf` field), then `body` with the form. Its
    /// failures return to the page the form came from (`_back`), with the error shown there.
    func action(_ role: Role, _ body: @escaping @Sendable (UIForm, SkeinRequestContext, Identity) async throws -> Response) -> Handler {
        { request, context in
            let identity: Identity
            let form: UIForm
            do {
                identity = try context.require(role)
                form = try await UIForm.read(request, limit: UIForm.maximumBytes)
                try UIController.checkCSRF(identity, presented: form["_csrf"])
            } catch let error as APIError {
                return errorPage(error, identity: context.identity)
            }
            let back = RedirectTarget.localPathOrHome(form["_back"])
            do {
                return try await body(form, context, identity)
            } catch let error as APIError {
                if error.status == .unauthorized || error.status == .forbidden { return errorPage(error, identity: identity) }
                return UIController.redirect(to: Link(back).setting("error", error.message).description)
            } catch let error as OperationError {
                if error.code == .unauthenticated || error.code == .forbidden { return errorPage(APIError(error), identity: identity) }
                return UIController.redirect(to: Link(back).setting("error", error.message).description)
            } catch let error as RecoveryError {
                return UIController.redirect(to: Link(back).setting("error", error.message).description)
            } catch let error as FlowValidationError {
                return UIController.redirect(to: Link(back).setting("error", "\(error)").description)
            } catch let error as StorageError where error.code == .notFound || error.code == .conflict {
                return UIController.redirect(to: Link(back).setting("error", error.message).description)
            }
        }
    }

    /// A `fetch` endpoint of the pages: role, then the `X-CSRF-Token` header; errors as JSON.
    func jsonAction(_ role: Role, _ body: @escaping @Sendable (Request, SkeinRequestContext, Identity) async throws -> Response) -> Handler {
        { request, context in
            let identity = try context.require(role)
            try UIController.checkCSRF(identity, presented: request.headers[HTTPFields.Element.Name("X-CSRF-Token")!])
            return try await body(request, context, identity)
        }
    }

    /// Session requests must present the session's CSRF token; API tokens carry no cookie, so
    /// a cross-site page cannot use them.
    static func checkCSRF(_ identity: Identity, presented: String?) throws {
        guard identity.method == .session else { return }
        guard let expected = identity.csrfToken, let presented,
            Array(SHA256.hash(data: Data(expected.utf8))) == Array(SHA256.hash(data: Data(presented.utf8)))
        else {
            throw APIError(.csrfFailed, "this form is missing its security token; reload the page and try again")
        }
    }

    // MARK: - Responses

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: headers(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: page.text)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Security headers on every page: scripts and styles only from this site, no framing.
    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType, .cacheControl: "no-store",
            HTTPFields.Element.Name("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff", HTTPFields.Element.Name("Referrer-Policy")!: "same-origin",
        ]
    }

    func errorPage(_ error: APIError, identity: Identity?) -> Response {
        let title =
            error.status == .notFound
            ? "Not found"
            : error.status == .forbidden
                ? "Not allowed"
                : error.code == .invalidField ? "That filter cannot be used" : "Something went wrong"
        let content: HTML = "<h1>\(title)</h1><p class=\"lead\">\(error.message)</p><p><a href=\"/\">Back to the dashboard</a></p>"
        return UIController.html(Layout(title: title, identity: identity).render(content), status: error.status)
    }

    /// The `notice` and `error` query parameters an action redirected with.
    static func messages(_ request: Request) -> (notice: String?, error: String?) {
        (request.uri.queryParameters.get("notice"), request.uri.queryParameters.get("error"))
    }
}
