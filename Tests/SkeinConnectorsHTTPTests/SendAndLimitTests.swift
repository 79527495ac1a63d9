import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Sending payloads, rate limits and redaction against a live server")
struct SendAndLimitTests {
    @Test func sendRetriedByTheEngineAppliesEachPayloadOnce() async throws {
        try await TestServer.with { base, state in
            let settings: JSON = ["instance": "shop", "direction": "send", "path": "/receiver", "idempotency_key": "Idempotency-Key"]
            let executor = try prepare(makeShape(), settings)
            let input = [Payload(json: ["sku": "A"]), Payload(json: ["sku": "B"]), Payload(json: ["sku": "C"])]
            let recorder = CallRecorder()
            let (result, attempts) = try await runWithRetries(executor, input: input, instance: httpInstance(address: base), recorder: recorder)
            #expect(attempts == 2)
            // The output is the destination's answer to each payload.
            #expect(result.outputs.map(\.jsonValue) == [["received": ["sku": "A"]], ["received": ["sku": "B"]], ["received": ["sku": "C"]]])
            #expect(await state.receivedByKey.count == 3)
            #expect(await state.hits("receiver-new") == 3)
            #expect(await state.hits("receiver-replayed") == 1)  // payload A, sent again on the retry
            #expect(recorder.calls.first?["request_headers"]?["Idempotency-Key"] == "skein-orders-sync-7-fetch-0")
            #expect(recorder.calls.first?["request_body"] == #"{"sku":"A"}"#)
        }
    }

    @Test func concurrentSendsKeepThePayloadOrderAndTheLimit() async throws {
        try await TestServer.with { base, state in
            let input = (1...24).map { Payload(json: ["n": .number(Double($0)), "reference": .string("#\($0)")]) }
            let plain = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/slow-echo", "concurrency": 4, "timeout": "60s"])
            // The server holds the first requests until four overlap, so the limit is seen
            // reached however loaded the machine is; a fifth in flight would still be counted.
            await state.expectCrowd(4)
            let result = try await plain.execute(input, context: context(httpInstance(address: base)))
            #expect(result.outputs.map(\.jsonValue) == input.map(\.jsonValue))  // answers in payload order
            #expect(await state.mostInFlight == 4)

            let reporting = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/slow-echo", "concurrency": 8, "timeout": "60s",
                    "sync": ["system": "ERP", "reference": "reference"],
                ])
            let reported = try await reporting.execute(input, context: context(httpInstance(address: base)))
            #expect(reported.syncItems.map(\.reference) == input.map { "#\($0.jsonValue!["n"]!.serialized())" })
            #expect(reported.syncItems.allSatisfy { $0.outcome == .accepted })
            #expect(await state.mostInFlight <= 8)
        }
    }

    @Test func sendFailureSaysWhichPayload() async throws {
        try await TestServer.with { base, _ in
            let executor = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/receiver", "idempotency_key": "Idempotency-Key"])
            let failure = try await failure(of: executor, input: [Payload(json: ["a": 1]), Payload(json: ["b": 2])], instance: httpInstance(address: base))
            #expect(failure.isTransient)
            #expect(failure.retryAfter == .zero)
            #expect(failure.message == "instance 'shop': POST \(base)/receiver failed: HTTP 503 Service Unavailable (retry after 0ms) (payload 2 of 2)")
        }
    }

    @Test func sendAsFormAndRaw() async throws {
        try await TestServer.with { base, _ in
            let form = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/form", "body": "form"])
            let formResult = try await form.execute([Payload(json: ["name": "Ada Lovelace", "qty": 2])], context: context(httpInstance(address: base)))
            #expect(formResult.outputs.first?.jsonValue == ["content_type": "application/x-www-form-urlencoded", "body": "name=Ada%20Lovelace&qty=2"])

            let raw = try prepare(makeShape(), ["instance": "shop", "direction": "send", "method": "PUT", "path": "/csv", "body": "raw"])
            let csv = Array("sku,qty\nA,1\n".utf8)
            // PUT is not routed: a 404 would fail; use POST via the default method instead.
            let post = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/csv", "body": "raw"])
            let rawResult = try await post.execute([Payload(bytes: csv, contentType: "text/csv")], context: context(httpInstance(address: base)))
            #expect(rawResult.outputs == [Payload(bytes: csv, contentType: "text/csv")])
            let wrongMethod = try await failure(of: raw, input: [Payload(bytes: csv, contentType: "text/csv")], instance: httpInstance(address: base))
            #expect(!wrongMethod.isTransient)
            #expect(wrongMethod.message.hasPrefix("instance 'shop': PUT \(base)/csv failed: HTTP 40"))
        }
    }

    @Test func sendPathFromThePayload() async throws {
        try await TestServer.with { base, _ in
            let executor = try prepare(makeShape(), ["instance": "shop", "direction": "send", "method": "GET", "path": "/pages/{{payload.kind}}"])
            let result = try await executor.execute([Payload(json: ["kind": "page"])], context: context(httpInstance(address: base)))
            #expect(result.outputs.first?.jsonValue?["page"] == 1)
            let missing = try await failure(of: executor, input: [Payload(json: [:])], instance: httpInstance(address: base))
            #expect(missing.message == "path uses {{payload.kind}}, but the payload has no such field")
        }
    }

    @Test func rateLimitIsSharedByConcurrentSteps() async throws {
        try await TestServer.with { base, state in
            let shape = makeShape()
            let instance = httpInstance(address: base, rateLimit: RateLimit(requests: 5, per: .seconds(1)))
            let settings: JSON = ["instance": "shop", "direction": "receive", "path": "/limited"]
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    let executor = try prepare(shape, settings)
                    group.addTask {
                        for _ in 0..<6 { _ = try await executor.execute([], context: context(instance)) }
                    }
                }
                try await group.waitForAll()
            }
            // 12 requests at 5 per second cannot all be released before 2 seconds have passed
            // (the first 5 go at once, the next 5 after 1 s, the last 2 after 2 s). Only this lower
            // bound is asserted: upper bounds and arrival spacing depend on machine load.
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .seconds(2))
            #expect(await state.hits("limited") == 12)
        }
    }

    @Test func secretsNeverAppearInCallsOrErrorsEvenWhenEchoed() async throws {
        try await TestServer.with { base, _ in
            let recorder = CallRecorder()
            var messages: [String] = []
            let settings: JSON = ["instance": "shop", "direction": "receive", "path": "/echo", "headers": ["Cookie": .string("session=\(Secrets.bearer)")]]
            let instances = [
                httpInstance(address: base, auth: "basic", credentials: ["username": Secrets.username, "password": Secrets.password]),
                httpInstance(address: base, auth: "bearer", credentials: ["token": Secrets.bearer]),
                httpInstance(address: base, auth: ["type": "api_key", "header": "X-Shop-Key"], credentials: ["api_key": Secrets.apiKey]),
                httpInstance(address: base, auth: ["type": "api_key", "query": "api_key"], credentials: ["api_key": Secrets.apiKey]),
            ]
            for instance in instances {
                let failure = try await failure(of: prepare(makeShape(), settings), instance: instance, recorder: recorder)
                messages.append(failure.message)
                messages.append(failure.details?.serialized() ?? "")
            }
            #expect(recorder.calls.count == 4)
            let text = everything(recorder, messages)
            expectNoSecrets(text)
            // The echoing server really did send the secrets back; they were redacted.
            #expect(text.contains("[redacted]"))
            let call = try #require(recorder.calls.first)
            for key in ["method", "url", "request_headers", "request_body", "status", "response_headers", "response_body", "duration_ms", "error"] {
                #expect(call[key] != nil, "recorded call lacks \(key)")
            }
            #expect(call["request_headers"]?["Authorization"] == "[redacted]")
            #expect(call["request_headers"]?["Cookie"] == "[redacted]")
        }
    }
}
