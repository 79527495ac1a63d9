import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Sends with sync: report every item instead of failing the step")
struct SyncReportTests {
    let sync: JSON = ["system": "ERP", "reference": "ref", "source_id": "sku", "endpoint_id": "received.sku & '-E'"]

    @Test func eachPayloadIsTriedAndReportedWithItsOutcome() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/receiver",
                                                     "idempotency_key": "Idempotency-Key", "sync": sync])
            let input = [Payload(json: ["sku": "A", "ref": "#1"]), Payload(json: ["sku": "B", "ref": "#2"]), Payload(json: ["sku": "C", "ref": "#3"])]
            let result = try await executor.execute(input, context: context(httpInstance(address: base)))
            // The server refuses the second payload's first try with a 503; the third is still sent.
            #expect(result.syncItems.map(\.reference) == ["#1", "#2", "#3"])
            #expect(result.syncItems.map(\.sourceID) == ["A", "B", "C"])
            #expect(result.syncItems.map(\.endpointID) == ["A-E", "", "C-E"])
            #expect(result.syncItems[0].outcome == .accepted && result.syncItems[0].response == "HTTP 201 Created")
            guard case .transientFailure(let message) = result.syncItems[1].outcome else { Issue.record("not transient"); return }
            #expect(message.contains("503 Service Unavailable"))
            #expect(result.syncItems.map(\.payload) == input)
            #expect(result.outputs.count == 2)  // answers to the accepted items only
            #expect(await state.hits("receiver-new") == 2)
        }
    }

    @Test func aRefusedRequestIsAPermanentFailureOfThatItem() async throws {
        try await TestServer.with { base, _ in
            // Without the Idempotency-Key header the receiver answers 400.
            let executor = try prepare(makeShape(), ["instance": "shop", "direction": "send", "path": "/receiver", "sync": ["system": "ERP"]])
            let result = try await executor.execute([Payload(json: ["sku": "A"])], context: context(httpInstance(address: base)))
            guard case .permanentFailure(let message) = result.syncItems.first?.outcome else { Issue.record("not permanent"); return }
            #expect(message.contains("400"))
            #expect(result.syncItems.first?.reference == "")
        }
    }

    @Test func syncSettingsAreCheckedWithTheirPath() {
        #expect(problems(["instance": "shop", "direction": "receive", "sync": ["system": "ERP"]])
                == ["shapes[0].http.sync: applies to direction: send only (a sync report lists items sent)"])
        let bad = problems(["instance": "shop", "direction": "send", "sync": ["reference": "order.(", "colour": "red"]])
        #expect(bad.contains("shapes[0].http.sync.system: required field is missing"))
        // Malformed JSONata reads the same everywhere in a flow: "JSONata <code> at position <n>: …".
        #expect(bad.contains { $0.hasPrefix("shapes[0].http.sync.reference: JSONata S0") })
        #expect(bad.contains("shapes[0].http.sync.colour: unknown field 'colour'"))
    }
}
