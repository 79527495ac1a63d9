import Foundation
import SkeinCore
import SkeinJSON

/// Runs one `http:` step: a receive walks the pages, a send makes one request per payload.
struct HTTPExecutor: ShapeExecutor {
    var settings: HTTPShapeSettings
    let transport: HTTPTransport
    let limiters: RateLimiters
    let tokens: OAuthTokenStore
    var throttles = Throttles()
    var connectors = ConnectorCatalog.builtIn
    /// The connector endpoint the step calls, once resolved against the instance's connector.
    var endpoint: EndpointDefinition?

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let (instance, definition) = try connectors.resolve(try await context.instances.instance(named: settings.instance))
        var run = self
        if let name = settings.endpoint {
            guard let definition else {
                throw ShapeFailure(
                    "\(EndpointCall.join(settings.location, "endpoint")): instance '\(instance.name)' is not an instance of a connector, so it has no endpoint '\(name)'; add it with skein instance add --connector, or describe the request with path:"
                )
            }
            (run.settings, run.endpoint) = try EndpointCall.resolve(settings, definition: definition, instanceName: instance.name)
        }
        var session = try InstanceSession(
            instance: instance, transport: transport, limiters: limiters, tokens: tokens, throttles: throttles,
            recorder: context.recorder, timeout: run.settings.timeout)
        switch run.settings.direction {
        case .receive: return try await run.receive(&session, context: context)
        case .send: return try await run.send(input, session: &session, context: context)
        }
    }

    /// The scope for one request: variables, the payload of a send, and the endpoint's parameters.
    private func scope(_ instance: Instance, context: ShapeContext, payload: JSON?) throws(ShapeFailure) -> VariableScope {
        var scope = VariableScope(instance: instance.variables, flow: context.variables, payload: payload)
        if let endpoint {
            scope.params = try EndpointCall.parameters(settings.params, endpoint: endpoint, scope: scope, location: settings.location)
        }
        return scope
    }

    /// Fails a 2xx GraphQL answer that carries `errors`, or `user_errors_path` entries.
    private func checkGraphQL(_ reply: HTTPReply, request: OutgoingRequest, redactor: Redactor) throws(ShapeFailure) {
        guard let graphql = settings.graphql, let document = try? JSON(parsing: reply.body) else { return }
        let prefix = HTTPFailures.prefix(request, redactor: redactor)
        if let errors = GraphQLReply.errors(in: document) {
            throw ShapeFailure(
                redactor.text(prefix + errors.message), isTransient: errors.transient,
                details: HTTPFailures.details(of: reply, redactor: redactor))
        }
        if let path = graphql.userErrorsPath, let message = GraphQLReply.userErrors(in: document, at: path) {
            throw ShapeFailure(redactor.text(prefix + message), details: HTTPFailures.details(of: reply, redactor: redactor))
        }
    }

    // MARK: Receive

    private func receive(_ session: inout InstanceSession, context: ShapeContext) async throws -> ShapeResult {
        let builder = RequestBuilder(settings: settings)
        let instance = session.instance
        let scope = try scope(instance, context: context, payload: nil)
        var headers = try builder.headers(defaults: try session.defaultHeaders(scope: scope), scope: scope, instanceName: instance.name)
        if settings.graphql != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(("Content-Type", "application/json"))
        }
        var paginator = Paginator(
            pagination: settings.pagination, itemsPath: settings.itemsPath,
            baseURL: try builder.url(address: instance.address, scope: scope, instanceName: instance.name))
        let origin = URLText.origin(instance.address)
        var url = paginator.firstURL()
        var outputs: [Payload] = []
        var warnings: [String] = []
        var previousBody: [UInt8]?
        var pages = 0
        var cursor: (variable: String, value: String)?
        pageLoop: while true {
            try Task.checkCancellation()
            var request = OutgoingRequest(method: settings.method, url: url, headers: headers)
            if let graphql = settings.graphql { request.body = try graphql.body(scope: scope, cursor: cursor) }
            let reply = try await session.send(request)
            guard reply.isSuccess else {
                throw HTTPFailures.failure(
                    for: reply, request: request, redactor: session.redactor, auth: session.settings.auth,
                    errorMessage: session.settings.errorMessage)
            }
            try checkGraphQL(reply, request: request, redactor: session.redactor)
            pages += 1
            let payload = try Self.payload(from: reply, request: request, redactor: session.redactor)
            guard settings.pagination != nil else {
                outputs.append(payload)
                break
            }
            if let previousBody, previousBody == reply.body {
                warnings.append(
                    "page \(pages) is the same as page \(pages - 1): the system seems to ignore the pagination parameters, so the receive stopped there")
                break
            }
            previousBody = reply.body
            let document: JSON? = if case .json(let json) = payload.body { json } else { nil }
            let replyHeaders = reply.headers
            let page = Paginator.Page(
                url: url, linkHeaders: reply.headers(named: "Link"), document: document,
                header: { name in replyHeaders.first { $0.name.lowercased() == name.lowercased() }?.value })
            if pages == 1, !paginator.canDetectEnd(of: page) {
                warnings.append(
                    "the pages hold no array\(settings.itemsPath.map { " at '\($0)'" } ?? ""), so the last page cannot be detected: set items_path; reading up to max_pages (\(settings.maxPages))"
                )
            }
            switch paginator.step(after: page) {
            case .empty:
                if outputs.isEmpty { outputs.append(payload) }
                break pageLoop
            case .last:
                outputs.append(payload)
                break pageLoop
            case .nextCursor(let variable, let value):
                outputs.append(payload)
                if pages >= settings.maxPages {
                    warnings.append("stopped after max_pages (\(settings.maxPages)) pages; the system has more")
                    break pageLoop
                }
                cursor = (variable, value)
            case .next(let next):
                outputs.append(payload)
                if pages >= settings.maxPages {
                    warnings.append("stopped after max_pages (\(settings.maxPages)) pages; the system has more")
                    break pageLoop
                }
                guard URLText.origin(next) == origin else {
                    throw ShapeFailure(
                        session.redactor.text(
                            "instance '\(instance.name)': the next page is at \(session.redactor.url(next)), outside the instance address \(session.redactor.url(instance.address)); not sending the instance's credentials there"
                        ))
                }
                url = next
            }
        }
        return ShapeResult(outputs: outputs, warnings: warnings)
    }

    // MARK: Send

    private func send(_ input: [Payload], session: inout InstanceSession, context: ShapeContext) async throws -> ShapeResult {
        if let batch = settings.batch { return try await sendBatches(input, batch: batch, session: session, context: context) }
        if let sync = settings.sync { return try await sendReporting(input, sync: sync, session: session, context: context) }
        let outputs = try await eachPayload(input, session: session) { index, payload, session in
            let (reply, request) = try await sendOne(payload, index: index, of: input.count, session: &session, context: context)
            return try Self.payload(from: reply, request: request, redactor: session.redactor)
        }
        return ShapeResult(outputs: outputs)
    }

    /// A send with `sync:`: every payload is tried, and each one's outcome is reported as a
    /// sync item instead of failing the step, so items already accepted are not sent again by a
    /// step retry. Outputs are the answers to the accepted items.
    ///
    /// With a reference and a delivery ledger (`context.deliveries`), each item is claimed first
    /// (`DeliveryLedger.claimDelivery`) under the step's `deliver:` rule: an item the destination
    /// already has is not sent (a skipped entry naming the delivery), one this step delivered
    /// before an interruption is reported accepted without sending, and the answer is recorded
    /// as soon as it arrives — so a crash repeats at most the requests then in flight, each with
    /// its stable `Idempotency-Key` and flagged on its entry.
    private func sendReporting(
        _ input: [Payload], sync: SyncSettings, session: InstanceSession,
        context: ShapeContext
    ) async throws -> ShapeResult {
        let rule = context.deliverOverride ?? settings.deliver
        let claimant = DeliveryClaimant(runID: context.runID, shapeID: context.shapeID)
        let results = try await eachPayload(input, session: session) { index, payload, session -> (SyncItem, Payload?, [String]) in
            var notes: [String] = []
            let document = try? payload.json()
            var item = SyncItem(
                system: sync.system, reference: SyncSettings.text(sync.reference, document, &notes, name: "reference"),
                sourceID: SyncSettings.text(sync.sourceID, document, &notes, name: "source_id"),
                payload: payload, outcome: .accepted)
            let hash = DeliveryHash.content(payload)
            let key = DeliveryKey(system: sync.system, instance: settings.instance, reference: item.reference)
            item.contentHash = hash
            var claim: DeliveryClaim?
            if let ledger = context.deliveries, !item.reference.isEmpty {
                let request = DeliveryClaim(key: key, contentHash: hash, claimant: claimant, rule: rule)
                switch try await ledger.claimDelivery(request, now: Date()) {
                case .delivered(let record) where record.claimant == claimant && record.contentHash == hash && rule != .always:
                    // This step delivered it before the run was interrupted; its answer is in the ledger.
                    item.delivery = key
                    item.endpointID = record.endpointID
                    item.response = record.response
                    item.note = "delivered before the run was interrupted (the answer was recorded then); not sent again"
                    return (item, nil, notes)
                case .delivered(let record):
                    let why = rule == .once && record.contentHash != hash ? "deliver: once, and this reference was delivered" : "identical content delivered"
                    item.outcome = .alreadyDelivered("already delivered: \(why) by \(record.described)")
                    item.endpointID = record.endpointID
                    item.response = "not sent (already delivered)"
                    return (item, nil, notes)
                case .inFlight(let other):
                    item.outcome = .alreadyDelivered("already being delivered with identical content by run \(other.runID), step \(other.shapeID)")
                    item.response = "not sent (being delivered by run \(other.runID))"
                    return (item, nil, notes)
                case .send(let repeated):
                    claim = request
                    item.delivery = key
                    if repeated, let header = settings.keyHeader {
                        item.note =
                            "unconfirmed and repeated: an earlier attempt was interrupted before its answer was recorded, "
                            + "so it was sent again with the same \(header)"
                    } else if repeated {
                        item.note = "unconfirmed and repeated: an earlier attempt was interrupted before its answer was recorded, so it was sent again"
                    }
                }
            }
            let stableKey = DeliveryHash.idempotencyKey(key, contentHash: hash)
            do {
                let (reply, request) = try await sendOne(payload, index: index, of: input.count, key: stableKey, session: &session, context: context)
                let answer = try Self.payload(from: reply, request: request, redactor: session.redactor)
                item.endpointID = SyncSettings.text(sync.endpointID, try? answer.json(), &notes, name: "endpoint_id")
                item.response = reply.statusLine
                if let claim, let ledger = context.deliveries {
                    try await ledger.recordDelivery(claim, accepted: true, endpointID: item.endpointID, response: reply.statusLine, now: Date())
                }
                return (item, answer, notes)
            } catch let failure as ShapeFailure {
                item.outcome = failure.isTransient ? .transientFailure(failure.message) : .permanentFailure(failure.message)
                item.response = failure.message
                item.retryAfter = failure.retryAfter
                item.delivery = nil
                if let claim, let ledger = context.deliveries {
                    try await ledger.recordDelivery(claim, accepted: false, endpointID: "", response: failure.message, now: Date())
                }
                return (item, nil, notes)
            }
        }
        var warnings = Array(Set(results.flatMap(\.2))).sorted()
        if warnings.count > 5 { warnings = Array(warnings.prefix(5)) + ["and \(warnings.count - 5) more sync expression failures"] }
        return ShapeResult(outputs: results.compactMap(\.1), warnings: warnings, syncItems: results.map(\.0))
    }

    /// A send with `batch:` (`BatchSettings`): `size` payloads per request. With `sync:` every
    /// payload is still its own sync item, taking its batch's outcome and its own element of the
    /// answer; without it a failed batch fails the step, as a single send does.
    private func sendBatches(
        _ input: [Payload], batch: BatchSettings, session: InstanceSession,
        context: ShapeContext
    ) async throws -> ShapeResult {
        let ranges = stride(from: 0, to: input.count, by: batch.size).map { $0..<min($0 + batch.size, input.count) }
        let requests = try ranges.map { range throws(ShapeFailure) in try batch.requestPayload(input[range]) }
        let reporting = settings.sync != nil
        let answers = try await eachPayload(requests, session: session) { index, request, session -> Result<(Payload, String), ShapeFailure> in
            do {
                // With sync:, the batch's key is derived from the destination and the batch's content (no single reference).
                let key = settings.sync.map { sync in
                    DeliveryHash.idempotencyKey(
                        DeliveryKey(system: sync.system, instance: settings.instance, reference: ""),
                        contentHash: DeliveryHash.content(request))
                }
                let (reply, sent) = try await sendOne(
                    request, index: index, of: requests.count, unit: "batch", key: key, session: &session,
                    context: context)
                return .success((try Self.payload(from: reply, request: sent, redactor: session.redactor), reply.statusLine))
            } catch let failure as ShapeFailure where reporting {
                return .failure(failure)
            }
        }
        var outputs: [Payload] = []
        var syncItems: [SyncItem] = []
        var notes: [String] = []
        for (number, (range, answer)) in zip(ranges, answers).enumerated() {
            var results: [JSON]?
            var outcome = SyncOutcome.accepted
            var response: String
            var retryAfter: Duration?
            switch answer {
            case .success(let (reply, statusLine)):
                response = statusLine
                results = batch.results(in: reply, count: range.count)
                if let results { outputs += results.map(Payload.init(json:)) } else { outputs.append(reply) }
                if results == nil, settings.sync?.endpointID != nil {
                    notes.append(
                        "the answer to batch \(number + 1) is not a list of \(range.count) results"
                            + (batch.resultsPath.map { " at results_path \($0)" } ?? "") + "; its items have no endpoint id")
                }
            case .failure(let failure):
                outcome = failure.isTransient ? .transientFailure(failure.message) : .permanentFailure(failure.message)
                response = failure.message
                retryAfter = failure.retryAfter
            }
            guard let sync = settings.sync else { continue }
            for (offset, index) in range.enumerated() {
                let document = try? input[index].json()
                var item = SyncItem(
                    system: sync.system, reference: SyncSettings.text(sync.reference, document, &notes, name: "reference"),
                    sourceID: SyncSettings.text(sync.sourceID, document, &notes, name: "source_id"),
                    payload: input[index], outcome: outcome)
                if let result = results?[offset] { item.endpointID = SyncSettings.text(sync.endpointID, result, &notes, name: "endpoint_id") }
                item.response = response
                item.retryAfter = retryAfter
                syncItems.append(item)
            }
        }
        var warnings = Array(Set(notes)).sorted()
        if warnings.count > 5 { warnings = Array(warnings.prefix(5)) + ["and \(warnings.count - 5) more"] }
        return ShapeResult(outputs: outputs, warnings: warnings, syncItems: syncItems)
    }

    /// Runs `body` for every payload, with up to `concurrency:` requests in flight (each worker
    /// on its own copy of the session; rate limits and OAuth tokens are shared), and returns
    /// the results in payload order. A thrown error cancels the other requests and is rethrown.
    private func eachPayload<Result: Sendable>(
        _ input: [Payload], session: InstanceSession,
        _ body: @escaping @Sendable (Int, Payload, inout InstanceSession) async throws -> Result
    ) async throws -> [Result] {
        let width = min(settings.concurrency, input.count)
        if width <= 1 {
            var session = session
            var results: [Result] = []
            results.reserveCapacity(input.count)
            for (index, payload) in input.enumerated() {
                try Task.checkCancellation()
                results.append(try await body(index, payload, &session))
            }
            return results
        }
        let next = LockedValue(0)
        return try await withThrowingTaskGroup(of: [(Int, Result)].self) { group in
            for _ in 0..<width {
                group.addTask {
                    var session = session
                    var done: [(Int, Result)] = []
                    while true {
                        try Task.checkCancellation()
                        let index = next.withLock { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < input.count else { return done }
                        done.append((index, try await body(index, input[index], &session)))
                    }
                }
            }
            var slots = [Result?](repeating: nil, count: input.count)
            for try await batch in group {
                for (index, result) in batch { slots[index] = result }
            }
            return slots.map { $0! }
        }
    }

    /// Sends one payload; returns the 2xx answer or throws the failure.
    /// `unit` names what `index` counts in messages and idempotency keys: "payload", or "batch" for `batch:` sends.
    /// `key`: the stable idempotency key of a send with `sync:` (`DeliveryHash.idempotencyKey`);
    /// without it the key is per run, step and index (sends without `sync:`).
    private func sendOne(
        _ payload: Payload, index: Int, of count: Int, unit: String = "payload", key: String? = nil,
        session: inout InstanceSession, context: ShapeContext
    ) async throws -> (HTTPReply, OutgoingRequest) {
        let builder = RequestBuilder(settings: settings)
        let instance = session.instance
        do {
            let scope = try scope(instance, context: context, payload: try? payload.json())
            var request = OutgoingRequest(
                method: settings.method,
                url: try builder.url(address: instance.address, scope: scope, instanceName: instance.name),
                headers: try builder.headers(defaults: try session.defaultHeaders(scope: scope), scope: scope, instanceName: instance.name))
            if let graphql = settings.graphql {
                request.body = try graphql.body(scope: scope, cursor: nil)
                if request.header("Content-Type") == nil { request.setHeader("Content-Type", "application/json") }
            } else if builder.methodHasBody {
                var sent = payload
                if let path = endpoint?.bodyPath {
                    guard let document = try? payload.json(), let value = path.value(in: document) else {
                        throw ShapeFailure("payload \(index): endpoint \(endpoint?.name ?? "") sends the payload's '\(path)', which it does not have")
                    }
                    sent = Payload(json: value)
                }
                let (bytes, contentType) = try builder.body(for: sent, index: index)
                request.body = bytes
                if request.header("Content-Type") == nil { request.setHeader("Content-Type", contentType) }
            }
            if let header = settings.keyHeader {
                if let key {
                    // Derived from the destination, the reference and the content: the same on
                    // retries, replays, resyncs and after a crash, so a receiver that honours
                    // it applies the item once.
                    request.setHeader(header, key)
                } else {
                    // The same on every attempt of this step for this payload, so a receiver that
                    // honours it applies a payload once even when the engine retries the step.
                    request.setHeader(header, "skein-\(context.flowID)-\(context.runID)-\(context.shapeID)-\(unit == "payload" ? "" : unit)\(index)")
                }
            }
            let reply = try await session.send(request)
            do throws(ShapeFailure) {
                guard reply.isSuccess else {
                    throw HTTPFailures.failure(
                        for: reply, request: request, redactor: session.redactor, auth: session.settings.auth,
                        errorMessage: session.settings.errorMessage)
                }
                try checkGraphQL(reply, request: request, redactor: session.redactor)
            } catch {
                var failure = error
                if count > 1 || unit != "payload" { failure.message += " (\(unit) \(index + 1) of \(count))" }
                throw failure
            }
            return (reply, request)
        }
    }

    // MARK: Responses

    /// A response body as a payload: parsed when its content type is JSON, kept as bytes
    /// otherwise; an empty body is JSON `null`; a body without a content type is JSON if it parses.
    static func payload(from reply: HTTPReply, request: OutgoingRequest, redactor: Redactor) throws(ShapeFailure) -> Payload {
        if reply.body.isEmpty { return Payload(json: .null) }
        guard let contentType = reply.header("Content-Type") else {
            if let json = try? JSON(parsing: reply.body) { return Payload(json: json) }
            return Payload(bytes: reply.body, contentType: "application/octet-stream")
        }
        do { return try Payload.received(reply.body, contentType: contentType) } catch {
            throw ShapeFailure(
                redactor.text(
                    HTTPFailures.prefix(request, redactor: redactor)
                        + "the response says \(contentType) but is not valid JSON (\(error))"),
                details: HTTPFailures.details(of: reply, redactor: redactor))
        }
    }
}
