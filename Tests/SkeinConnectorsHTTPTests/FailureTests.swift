import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Failures: what is retried, what fails at once, and what the message says")
struct FailureTests {
    func receive(_ path: String, extra: JSON.Object = [:]) -> JSON {
        var settings: JSON.Object = ["instance": "shop", "direction": "receive", "path": .string(path)]
        settings.merge(extra) { $1 }
        return .object(settings)
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(makeShape(), receive("/throttled"))
            let instance = httpInstance(address: base)
            let failure = try await failure(of: executor, instance: instance)
            #expect(failure.isTransient)
            #expect(failure.retryAfter == .seconds(1))
            #expect(failure.message == "instance 'shop': GET \(base)/throttled failed: HTTP 429 Too Many Requests (retry after 1s)")

            let (result, attempts) = try await runWithRetries(executor, instance: instance)
            #expect(attempts == 1)  // the server lets the second request through
            #expect(result.outputs.count == 1)
            let arrivals = await state.arrivals["throttled"] ?? []
            #expect(arrivals.count == 2)
        }
    }

    @Test func retryAfterWaitIsKeptByTheCallersPolicy() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(makeShape(), receive("/throttled"))
            let started = ContinuousClock.now
            let (result, attempts) = try await runWithRetries(executor, instance: httpInstance(address: base))
            #expect(attempts == 2)
            #expect(result.outputs.first?.jsonValue == ["ok": true])
            #expect(ContinuousClock.now - started >= .seconds(1))
            let arrivals = await state.arrivals["throttled"] ?? []
            #expect(arrivals.count == 2 && arrivals[1] - arrivals[0] >= .milliseconds(950))
        }
    }

    @Test func serverErrorIsTransientAndRetried() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(makeShape(), receive("/flaky"))
            let recorder = CallRecorder()
            let (result, attempts) = try await runWithRetries(executor, instance: httpInstance(address: base), recorder: recorder)
            #expect(attempts == 2)
            #expect(result.outputs.first?.jsonValue == ["ok": true])
            #expect(await state.hits("flaky") == 2)
            #expect(recorder.calls.first?["error"] == "HTTP 500 Internal Server Error")
            #expect(recorder.calls.first?["response_body"] == "database hiccup")
        }
    }

    @Test func serverErrorMessageNamesInstanceMethodAndURL() async throws {
        try await TestServer.with { base, _ in
            let failure = try await failure(of: prepare(makeShape(), receive("/flaky", extra: ["query": ["page": "2"]])), instance: httpInstance(address: base))
            #expect(failure.isTransient)
            #expect(failure.retryAfter == nil)
            #expect(failure.message == "instance 'shop': GET \(base)/flaky?page=2 failed: HTTP 500 Internal Server Error")
            #expect(failure.details == "database hiccup")
        }
    }

    @Test func notFoundFailsAtOnceWithTheBody() async throws {
        try await TestServer.with { base, _ in
            let executor = try prepare(makeShape(), receive("/missing"))
            let failure = try await failure(of: executor, instance: httpInstance(address: base))
            #expect(!failure.isTransient)
            #expect(failure.message == "instance 'shop': GET \(base)/missing failed: HTTP 404 Not Found")
            #expect(failure.details == ["error": "no such order", "id": 42])
        }
    }

    @Test func timeoutIsTransient() async throws {
        try await TestServer.with { base, _ in
            let executor = try prepare(makeShape(), receive("/slow", extra: ["timeout": "300ms"]))
            let recorder = CallRecorder()
            // The server answers after 3 s; a "timed out" failure shows the client gave up first.
            let failure = try await failure(of: executor, instance: httpInstance(address: base), recorder: recorder)
            #expect(failure.isTransient)
            #expect(failure.message == "instance 'shop': GET \(base)/slow failed: no response within 300ms (timed out)")
            #expect(recorder.calls.first?["error"] == "no response within 300ms (timed out)")
            #expect(recorder.calls.first?["status"] == .null)
        }
    }

    @Test func connectionRefusedIsTransientAndNamesTheInstance() async throws {
        let executor = try prepare(makeShape(), ["instance": "erp", "direction": "receive", "path": "/orders"])
        let failure = try await failure(of: executor, instance: httpInstance("erp", address: "http://127.0.0.1:1/api"))
        #expect(failure.isTransient)
        #expect(failure.message.hasPrefix("instance 'erp': GET http://127.0.0.1:1/api/orders failed: could not connect"))
        #expect(failure.message.contains("refused"))
    }

    @Test func wrongConnectorTypeAndUnknownInstance() async throws {
        let executor = try prepare(makeShape(), receive("/orders"))
        var sftp = httpInstance(address: "sftp.example.com:22")
        sftp.connectorType = "sftp"
        #expect(try await failure(of: executor, instance: sftp).message == "instance 'shop' is a sftp instance; the http shape needs an http one")
        #expect(try await failure(of: executor, instance: httpInstance("other", address: "http://x")).message == "no instance named 'shop'")
    }
}
