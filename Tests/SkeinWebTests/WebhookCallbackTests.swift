import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import SkeinStorageSQLite
import SkeinWeb
import Testing

/// Callback webhooks: the caller waits for the run, which a worker (here a stand-in that works
/// through the store exactly as a worker in another process would) executes.
@Suite struct WebhookCallbackTests {
    let path = "/webhooks/stock-check/\(WebhookFixture.token)"

    func deploy(_ fixture: WebhookFixture, respond: String) async throws {
        let text = """
            id: stock-check
            trigger: { webhook: { token: \(WebhookFixture.token), respond: \(respond) } }
            shapes:
              - id: each
                split: { path: levels }
              - id: answer
                map: { fields: { sku: sku, available: on_hand > 0 } }
            """
        _ = try await fixture.store.deploy(try FlowFile.decode(text), source: text, now: Date())
    }

    /// Claims the next queued run and finishes it with the given outputs for each step, or fails it.
    func work(_ store: any SkeinStore, outputs: [String: [Payload]], fail: String? = nil) async throws {
        var claimed: [RunRecord] = []
        while claimed.isEmpty {
            claimed = try await store.claimRuns(owner: "worker", limit: 1, leaseUntil: Date() + 60, now: Date())
            if claimed.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        let run = claimed[0]
        for (sequence, shape) in ["each", "answer"].enumerated() {
            try await store.beginStep(StepID(run: run.id, sequence: sequence + 1), shapeID: shape, shapeType: "map", inputCount: 1, inputBytes: 1, now: Date())
            try await store.finishStep(
                StepID(run: run.id, sequence: sequence + 1), outcome: StepOutcome(status: .success, attempts: 1, outputs: outputs[shape] ?? []),
                now: Date())
        }
        try await store.finishRun(runID: run.id, status: fail == nil ? .success : .failure, error: fail, failedShapeID: nil, now: Date())
    }

    @Test func theCallerGetsTheChosenStepsPayloadsOnceTheRunFinishes() async throws {
        try await withFixture { fixture in
            try await deploy(fixture, respond: "{ timeout: 20s }")  // the last shape, 'answer'
            let worker = Task {
                try await work(
                    fixture.store,
                    outputs: [
                        "each": [Payload(json: ["sku": "MUG-RED", "on_hand": 4])],
                        "answer": [
                            Payload(json: ["sku": "MUG-RED", "available": true]),
                            Payload(json: ["sku": "LAMP", "available": false]),
                        ],
                    ])
            }
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: path, method: .post, headers: jsonHeaders,
                    body: ByteBuffer(string: #"{"levels":[{"sku":"MUG-RED","on_hand":4},{"sku":"LAMP","on_hand":0}]}"#))
                #expect(response.status == .ok)
                #expect(response.json == [["sku": "MUG-RED", "available": true], ["sku": "LAMP", "available": false]])
                let runs = try await fixture.runs()
                #expect(response.headers[HTTPFields.Element.Name("X-Skein-Run")!] == String(runs[0].id))
                // The request was stored as the run's input before anything else happened.
                #expect(try await fixture.store.payloads(of: .input(of: runs[0].id)).count == 1)
            }
            try await worker.value
        }
    }

    @Test func oneAnswerPayloadIsSentAsItIs() async throws {
        try await withFixture { fixture in
            try await deploy(fixture, respond: "{ step: each, timeout: 20s }")
            let worker = Task { try await work(fixture.store, outputs: ["each": [Payload(json: ["sku": "MUG-RED", "on_hand": 4])]]) }
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: path, method: .post, headers: jsonHeaders,
                    body: ByteBuffer(string: #"{"levels":[{"sku":"MUG-RED","on_hand":4}]}"#))
                #expect(response.status == .ok)
                #expect(response.json == ["sku": "MUG-RED", "on_hand": 4])
            }
            try await worker.value
        }
    }

    @Test func aFailedRunIsA502NamingTheRunButNotItsError() async throws {
        try await withFixture { fixture in
            try await deploy(fixture, respond: "{ timeout: 20s }")
            let worker = Task { try await work(fixture.store, outputs: [:], fail: "step 'answer' failed: ERP password rejected") }
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"levels":[]}"#))
                #expect(response.status == .badGateway)
                #expect(response.errorCode == "run_failed")
                #expect(response.json["status"] == "failure")
                #expect(String(buffer: response.body).contains("password") == false)
            }
            try await worker.value
        }
    }

    @Test func withoutAWorkerTheCallerGets202WithTheRunAfterTheTimeout() async throws {
        try await withFixture { fixture in
            try await deploy(fixture, respond: "{ timeout: 300ms }")
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"levels":[]}"#))
                #expect(response.status == .accepted)
                let runs = try await fixture.runs()
                #expect(response.json == ["run": .number(Double(runs[0].id.rawValue)), "status": "queued"])
            }
        }
    }

    @Test func respondMustNameAShapeOfTheFlow() {
        let text = """
            id: bad
            trigger: { webhook: { token: \(WebhookFixture.token), respond: { step: nope, timeout: 1h } } }
            shapes: [ { id: a, split: {} } ]
            """
        do {
            _ = try FlowFile.decode(text)
            Issue.record("should not validate")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("trigger.webhook.respond.timeout: must be more than 0 and at most 5m"))
        }
        let unknown = "id: bad\ntrigger: { webhook: { token: \(WebhookFixture.token), respond: { step: nope } } }\nshapes: [ { id: a, split: {} } ]\n"
        #expect(throws: FlowValidationError.self) { try FlowFile.decode(unknown) }
        do { _ = try FlowFile.decode(unknown) } catch {
            #expect(error.problems.map(\.description) == ["trigger.webhook.respond.step: there is no shape 'nope' in the flow"])
        }
    }
}
