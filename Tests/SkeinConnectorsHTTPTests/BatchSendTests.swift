import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Sends with batch: several payloads per request to a bulk endpoint")
struct BatchSendTests {
    let settings: JSON = [
        "instance": "shop", "direction": "send", "path": "/bulk", "concurrency": 2,
        "batch": ["size": 3, "wrap_key": "orders", "results_path": "results"],
        "sync": ["system": "ERP", "reference": "ref", "source_id": "sku", "endpoint_id": "erp_id"],
    ]

    func orders(_ skus: [String]) -> [Payload] {
        skus.enumerated().map { Payload(json: ["sku": .string($1), "ref": .string("#\($0 + 1)")]) }
    }

    @Test func sevenPayloadsGoInThreeRequestsAndEachKeepsItsOwnSyncEntryAndAnswer() async throws {
        try await TestServer.with { base, state in
            let input = orders(["A", "B", "C", "D", "E", "F", "G"])
            let result = try await prepare(makeShape(), settings).execute(input, context: context(httpInstance(address: base)))
            #expect(await state.hits("bulk") == 3)
            #expect(result.syncItems.map(\.reference) == ["#1", "#2", "#3", "#4", "#5", "#6", "#7"])
            #expect(result.syncItems.map(\.endpointID) == ["E-A", "E-B", "E-C", "E-D", "E-E", "E-F", "E-G"])
            #expect(result.syncItems.allSatisfy { $0.outcome == .accepted && $0.response == "HTTP 200 OK" })
            #expect(result.syncItems.map(\.payload) == input)
            #expect(try result.outputs.map { try $0.json()["erp_id"]?.stringValue } == ["E-A", "E-B", "E-C", "E-D", "E-E", "E-F", "E-G"])
            #expect(result.warnings.isEmpty)
        }
    }

    @Test func aRefusedBatchMakesOnlyItsOwnItemsPending() async throws {
        try await TestServer.with { base, _ in
            let result = try await prepare(makeShape(), settings)
                .execute(orders(["A", "B", "C", "D", "FAIL", "F", "G"]), context: context(httpInstance(address: base)))
            let pending = result.syncItems.enumerated().filter { if case .transientFailure = $1.outcome { true } else { false } }.map(\.offset)
            #expect(pending == [3, 4, 5])
            #expect(result.syncItems[4].response?.contains("503") == true && result.syncItems[4].response?.contains("batch 2 of 3") == true)
            #expect(result.syncItems.filter { $0.outcome == .accepted }.map(\.endpointID) == ["E-A", "E-B", "E-C", "E-G"])
        }
    }

    @Test func anAnswerWithoutPerItemResultsIsOneOutputAndSaysTheEndpointIdsAreMissing() async throws {
        try await TestServer.with { base, _ in
            let result = try await prepare(makeShape(), settings)
                .execute(orders(["SUMMARY", "B"]), context: context(httpInstance(address: base)))
            #expect(try result.outputs.map { try $0.json() } == [["imported": 2]])
            #expect(result.syncItems.map(\.endpointID) == ["", ""] && result.syncItems.allSatisfy { $0.outcome == .accepted })
            #expect(result.warnings == ["the answer to batch 1 is not a list of 2 results at results_path results; its items have no endpoint id"])
        }
    }

    @Test func withoutSyncARefusedBatchFailsTheStep() async throws {
        try await TestServer.with { base, _ in
            var plain = settings.objectValue!
            plain["sync"] = nil
            let executor = try prepare(makeShape(), .object(plain))
            await #expect(throws: ShapeFailure.self) {
                try await executor.execute(self.orders(["A", "FAIL"]), context: context(httpInstance(address: base)))
            }
        }
    }

    @Test func batchSettingsAreCheckedWithTheirPath() {
        #expect(
            problems(["instance": "shop", "direction": "receive", "batch": ["size": 10]])
                == ["shapes[0].http.batch: applies to direction: send only"])
        #expect(
            problems(["instance": "shop", "direction": "send", "body": "form", "batch": ["size": 10]])
                == ["shapes[0].http.batch: sends a JSON list; it needs body: json, not form"])
        #expect(
            problems(["instance": "shop", "direction": "send", "batch": ["wrap_key": "orders"]])
                == ["shapes[0].http.batch.size: required field is missing"])
    }
}
