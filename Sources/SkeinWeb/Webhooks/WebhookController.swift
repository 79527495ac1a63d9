import Foundation
import Hummingbird
import Logging
import NIOCore
import SkeinCore
import SkeinInstrumentation
import SkeinJSON
import SkeinStorage

/// `POST /webhooks/{flow}/{token}`: starts a run of the flow's latest version with the
/// request body as its first payload, and answers 202 `{"run": id, "status": "queued"}` only
/// once the run and its payload are committed to the store. Concurrent webhooks share one commit
/// (`RunIntakeBatcher`, group commit); each is still answered only after its own run committed,
/// and every request of a batch that failed to commit gets 503.
///
/// The checks, in order, each with its answer:
/// 1. the flow exists, its latest version has a webhook trigger, it is enabled and the token
///    matches (compared in constant time) — else 404 `not_found`, the same for every cause;
/// 2. the body is at most the flow's `max_body_bytes` (else the server's limit) — else 413,
///    decided from `Content-Length` before reading, or while streaming, never buffering more;
/// 3. with `hmac_secret_env`, `X-Skein-Signature: sha256=<hex>` matches — else 401;
/// 4. a JSON content type holds valid UTF-8 JSON — else 400 naming the byte, or line and column.
///
/// Nothing in a URL token, signature or secret is ever logged. A webhook with `respond:` (a
/// callback) then waits for the run and answers with its result (`WebhookCallback`).
///
/// With `dedupe:` (`WebhookDedupe`), a delivery whose identity the flow already saw within the
/// window starts nothing and is answered like the first (the same status and body, with the
/// first run's id; `WebhookIntakeWithIdentity`). A request without an identity is processed as
/// usual, and the log says it could not be de-duplicated.
///
/// Metrics: `skein_webhooks_accepted_total{flow}` once the run is stored (or recognised as a
/// repeat, also counted in `skein_webhooks_deduplicated_total{flow}`), and
/// `skein_webhooks_refused_total{flow, reason}` with the error code answered; `flow` is empty when
/// the address names no flow with a webhook, so made-up addresses cannot grow the series.
struct WebhookController<Context: RequestContext>: Sendable {
    let store: any FlowReader & RunIntake & RunLogReader & WebhookIdentityStore
    /// Writes accepted runs in group commits.
    let intake: RunIntakeBatcher
    let settings: WebSettings
    let logger: Logger

    /// The lowercase (canonical) name of the signature header.
    static var signatureHeader: String { "x-skein-signature" }

    func addRoutes(to router: Router<Context>) {
        router.post("webhooks/:flow/:token") { request, context in try await self.receive(request, context: context) }
    }

    func receive(_ request: Request, context: Context) async throws -> Response {
        var metricFlow = ""
        var accepted = false
        do {
            return try await accept(request, context: context, metricFlow: &metricFlow, accepted: &accepted)
        } catch let error as APIError where !accepted {
            SkeinMetric.webhooksRefused.increment(metricFlow, error.code.rawValue)
            throw error
        } catch  where !accepted {
            // Counted with the code APIErrorMiddleware answers it with.
            let code: APIError.Code =
                if let http = error as? HTTPError {
                    http.status == .contentTooLarge ? .bodyTooLarge : http.status.code >= 500 ? .internalError : .invalidBody
                } else { .internalError }
            SkeinMetric.webhooksRefused.increment(metricFlow, code.rawValue)
            throw error
        }
    }

    private func accept(_ request: Request, context: Context, metricFlow: inout String, accepted: inout Bool) async throws -> Response {
        let flowID = context.parameters.get("flow") ?? ""
        let token = context.parameters.get("token") ?? ""
        let (flow, webhook) = try await acceptingFlow(flowID: flowID, token: token, metricFlow: &metricFlow)

        let limit = webhook.maximumBodyBytes ?? settings.maximumWebhookBytes
        let body = try await readBody(request, limit: limit, flowID: flowID)
        if let variable = webhook.hmacSecretEnvironmentVariable {
            try verifySignature(request, body: body, secretVariable: variable, flowID: flowID)
        }
        let contentType = request.headers[.contentType] ?? "application/octet-stream"
        let payload = try makePayload(body, contentType: contentType)

        let newRun = NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .webhook, priority: flow.definition.priority, input: [payload])
        let identity = webhook.dedupe.flatMap { deliveryIdentity(of: request, payload: payload, dedupe: $0, flowID: flowID) }
        let runID: RunID
        var repeated = false
        do {
            let now = settings.now()
            if let identity, let dedupe = webhook.dedupe {
                switch try await store.enqueueOnce(newRun, identity: identity, expiresAt: now.addingTimeInterval(dedupe.windowSeconds), now: now) {
                case .started(let run): runID = run.id
                case .repeated(let original): runID = original; repeated = true
                }
            } else {
                runID = try await intake.enqueue(newRun, now: now).id
            }
        } catch {
            logger.error("webhook: could not store the run", metadata: ["flow": "\(flowID)", "error": "\(error)"])
            throw APIError(.unavailable, "the request could not be stored; nothing was accepted, send it again")
        }
        accepted = true
        SkeinMetric.webhooksAccepted.increment(flow.flowID)
        if repeated {
            SkeinMetric.webhooksDeduplicated.increment(flow.flowID)
            logger.info("webhook repeated: answered like the first, nothing started", metadata: ["flow": "\(flowID)", "run": "\(runID)"])
        } else {
            logger.info(
                "webhook accepted",
                metadata: [
                    "flow": "\(flowID)", "run": "\(runID)", "bytes": "\(body.count)",
                    "content_type": "\(contentType)",
                ])
        }
        if let respond = webhook.respond {
            return try await WebhookCallback(store: store).answer(runID: runID, respond: respond)
        }
        // A repeat gets the first answer's body: the run was queued when that answer was given.
        return JSONResponse.make(status: .accepted, ["run": .number(Double(runID.rawValue)), "status": .string(RunStatus.queued.rawValue)])
    }

    /// The delivery's identity under `dedupe:`, or nil (logged) when the request has none or it cannot be read.
    func deliveryIdentity(of request: Request, payload: Payload, dedupe: WebhookDedupe, flowID: String) -> String? {
        let reading = dedupe.read(
            header: { name in request.headers.first { $0.name.canonicalName == name.lowercased() }?.value },
            body: { Payload.isJSON(payload.contentType) ? try? payload.json() : nil })
        switch reading {
        case .identity(let identity): return identity
        case .missing(let reason), .failed(let reason):
            logger.warning("webhook could not be de-duplicated: \(reason)", metadata: ["flow": "\(flowID)"])
            return nil
        }
    }

    /// The flow's latest version when every part of the URL is right; one answer for every wrong part.
    func acceptingFlow(flowID: String, token: String, metricFlow: inout String) async throws -> (DeployedFlow, WebhookSettings) {
        let notFound = APIError(.notFound, "no webhook at this address")
        let flow: DeployedFlow?
        do { flow = try await store.flow(id: flowID, version: nil) } catch {
            logger.error("webhook: could not read the flow", metadata: ["flow": "\(flowID)", "error": "\(error)"])
            throw APIError(.unavailable, "the store cannot be reached; send the request again later")
        }
        // The token is compared even when there is nothing to match, so every wrong address costs the same work.
        let webhook: WebhookSettings? = if let flow, case .webhook(let settings) = flow.definition.trigger { settings } else { nil }
        if webhook != nil { metricFlow = flowID }
        let tokenMatches = WebhookAuthenticator.tokenMatches(expected: webhook?.token ?? "", presented: token)
        guard let flow, let webhook, flow.enabled, tokenMatches, !webhook.token.isEmpty else { throw notFound }
        return (flow, webhook)
    }

    /// Reads at most `limit` bytes, refusing (413) as soon as the declared or received size exceeds it.
    func readBody(_ request: Request, limit: Int, flowID: String) async throws -> [UInt8] {
        let tooLarge = APIError(.bodyTooLarge, "the body is larger than this webhook accepts (\(limit) bytes)")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            logger.notice("webhook refused: body too large", metadata: ["flow": "\(flowID)", "declared_bytes": "\(declared)"])
            throw tooLarge
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= limit else {
                logger.notice("webhook refused: body too large", metadata: ["flow": "\(flowID)", "limit": "\(limit)"])
                throw tooLarge
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    func verifySignature(_ request: Request, body: [UInt8], secretVariable: String, flowID: String) throws {
        guard let secret = settings.environment[secretVariable], !secret.isEmpty else {
            logger.error(
                "webhook: the flow's hmac_secret_env variable is not set in the server's environment",
                metadata: ["flow": "\(flowID)", "variable": "\(secretVariable)"])
            throw APIError(.misconfigured, "the server cannot verify signatures for this webhook; its log says why")
        }
        switch WebhookAuthenticator.checkSignature(
            header: request.headers.first { $0.name.canonicalName == Self.signatureHeader }?.value, body: body, secret: secret)
        {
        case .valid: return
        case .missing:
            throw APIError(.invalidSignature, "this webhook requires an X-Skein-Signature: sha256=<hex HMAC-SHA256 of the body> header")
        case .malformed:
            throw APIError(.invalidSignature, "X-Skein-Signature must be sha256= followed by 64 hexadecimal digits")
        case .mismatch:
            logger.notice("webhook refused: signature does not match", metadata: ["flow": "\(flowID)"])
            throw APIError(.invalidSignature, "X-Skein-Signature does not match the body")
        }
    }

    /// The body as a payload, kept byte for byte; a JSON content type must hold valid JSON,
    /// which is UTF-8 (other content types are stored as the bytes that arrived, whatever they are).
    func makePayload(_ body: [UInt8], contentType: String) throws -> Payload {
        if Payload.isJSON(contentType) {
            try UTF8Check.require(body)
            do { _ = try JSON(parsing: body) } catch {
                throw APIError(.invalidBody, "the body is not valid JSON: \(error.description)")
            }
        }
        return Payload(bytes: body, contentType: contentType)
    }
}
