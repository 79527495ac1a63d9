import Foundation
import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import SkeinStorageMemory
import Testing

@Suite("Sends with sync: report every item instead of failing the step")
struct SyncReportTests {
    let sync: JSON = ["system": "ERP", "reference": "ref", "source_id": "sku", "endpoint_id": "received.sku & '-E'"]

    @Test func eachPayloadIsTriedAndReportedWithItsOutcome() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/receiver",
                    "idempotency_key": "Idempotency-Key", "sync": sync,
                ])
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
            // Without the Idempotency-Key header (switched off here) the receiver answers 400.
            let executor = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/receiver", "sync": ["system": "ERP"],
                    "idempotency_key": "none",
                ])
            let result = try await executor.execute([Payload(json: ["sku": "A"])], context: context(httpInstance(address: base)))
            guard case .permanentFailure(let message) = result.syncItems.first?.outcome else { Issue.record("not permanent"); return }
            #expect(message.contains("400"))
            #expect(result.syncItems.first?.reference == "")
        }
    }

    @Test func syncSettingsAreCheckedWithTheirPath() {
        #expect(
            problems(["instance": "shop", "direction": "receive", "sync": ["system": "ERP"]])
                == ["shapes[0].http.sync: applies to direction: send only (a sync report lists items sent)"])
        let bad = problems(["instance": "shop", "direction": "send", "sync": ["reference": "order.(", "colour": "red"]])
        #expect(bad.contains("shapes[0].http.sync.system: required field is missing"))
        // Malformed JSONata reads the same everywhere in a flow: "JSONata <code> at position <n>: …".
        #expect(bad.contains { $0.hasPrefix("shapes[0].http.sync.reference: JSONata S0") })
        #expect(bad.contains("shapes[0].http.sync.colour: unknown field 'colour'"))
    }

    // MARK: The delivery ledger and stable keys

    func ledgerContext(_ base: String, run: RunID, ledger: MemoryStore) -> ShapeContext {
        ShapeContext(
            runID: run, flowID: "orders-sync", shapeID: "post", instances: FixedInstances([httpInstance(address: base)]),
            deliveries: ledger)
    }

    @Test func aReplayOfIdenticalContentIsSkippedAndChangedContentIsSentWithItsOwnStableKey() async throws {
        try await TestServer.with { base, state in
            // No idempotency_key written: a send with sync: sends Idempotency-Key by default.
            let executor = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/receiver",
                    "sync": ["system": "WMS", "reference": "ref"],
                ])
            let ledger = MemoryStore()
            let orders = [Payload(json: ["sku": "A", "ref": "#1"]), Payload(json: ["sku": "C", "ref": "#3"])]
            let first = try await executor.execute(orders, context: ledgerContext(base, run: 1, ledger: ledger))
            #expect(first.syncItems.map(\.outcome) == [.accepted, .accepted])
            #expect(await state.hits("receiver-new") == 2)

            // Run 2 replays the same orders, one of them changed.
            let replay = [orders[0], Payload(json: ["sku": "C", "ref": "#3", "quantity": 2])]
            let second = try await executor.execute(replay, context: ledgerContext(base, run: 2, ledger: ledger))
            guard case .alreadyDelivered(let reason) = second.syncItems[0].outcome else {
                Issue.record("identical content was sent again: \(second.syncItems[0].outcome)"); return
            }
            #expect(reason.contains("run 1, step post"), "names the delivery: \(reason)")
            #expect(second.syncItems[1].outcome == .accepted)
            #expect(await state.hits("receiver-new") == 3, "only the changed order reached the receiver")
            let keys = Set(await state.receivedByKey.keys)
            #expect(keys.count == 3 && keys.allSatisfy { $0.hasPrefix("skein-") && $0.count == 46 })

            // deliver: always sends identical content again — with the same key, so the receiver de-duplicates it.
            let always = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/receiver", "deliver": "always",
                    "sync": ["system": "WMS", "reference": "ref"],
                ])
            let third = try await always.execute([orders[0]], context: ledgerContext(base, run: 3, ledger: ledger))
            #expect(third.syncItems[0].outcome == .accepted)
            let replayed = await state.hits("receiver-replayed")
            let keysAfter = Set(await state.receivedByKey.keys)
            #expect(replayed == 1 && keysAfter == keys)
        }
    }

    @Test func aSendInterruptedBeforeItsAnswerWasRecordedIsRepeatedWithTheSameKeyAndFlagged() async throws {
        try await TestServer.with { base, state in
            let executor = try prepare(
                makeShape(),
                [
                    "instance": "shop", "direction": "send", "path": "/receiver",
                    "sync": ["system": "WMS", "reference": "ref"],
                ])
            let ledger = MemoryStore()
            let order = Payload(json: ["sku": "A", "ref": "#1"])
            // Run 5 delivers the order and records the answer; then its process dies before the step is stored.
            let delivered = try await executor.execute([order], context: ledgerContext(base, run: 5, ledger: ledger))
            let hash = try #require(delivered.syncItems[0].contentHash)
            #expect(await state.hits("receiver-new") == 1)
            // The step re-run after the crash does not send it again: the ledger holds the answer.
            let again = try await executor.execute([order], context: ledgerContext(base, run: 5, ledger: ledger))
            #expect(again.syncItems[0].outcome == .accepted && again.syncItems[0].note?.contains("not sent again") == true)
            #expect(again.syncItems[0].response == "HTTP 201 Created")
            let newHits = await state.hits("receiver-new")
            let replayedHits = await state.hits("receiver-replayed")
            #expect(newHits == 1 && replayedHits == 0)

            // Run 6 claimed the same order with other content and died before recording any answer
            // (the destination may or may not have it).
            let changed = Payload(json: ["sku": "A", "ref": "#1", "quantity": 3])
            let probe = try await executor.execute([changed], context: ledgerContext(base, run: 99, ledger: MemoryStore()))
            let changedHash = try #require(probe.syncItems[0].contentHash)
            #expect(changedHash != hash)
            let claim = DeliveryClaim(
                key: DeliveryKey(system: "WMS", instance: "shop", reference: "#1"), contentHash: changedHash,
                claimant: DeliveryClaimant(runID: 6, shapeID: "post"), rule: .ifChanged)
            #expect(try await ledger.claimDelivery(claim, now: Date()) == .send(repeated: false))
            // Its step re-run repeats it with the same key (the receiver, which has it from the probe, de-duplicates), flagged.
            let rerun = try await executor.execute([changed], context: ledgerContext(base, run: 6, ledger: ledger))
            #expect(rerun.syncItems[0].outcome == .accepted)
            #expect(rerun.syncItems[0].note?.contains("unconfirmed and repeated") == true, "\(rerun.syncItems[0].note ?? "no note")")
            #expect(await state.hits("receiver-replayed") == 1, "same key as the probe's: the receiver applied it once")
        }
    }

    @Test func deliverNeedsSyncAndIsOneOfTheRules() {
        #expect(
            problems(["instance": "shop", "direction": "send", "deliver": "once"])
                == ["shapes[0].http.deliver: applies to a send with sync: (the delivery ledger is keyed by the sync reference)"])
        #expect(
            problems(["instance": "shop", "direction": "send", "deliver": "twice", "sync": ["system": "ERP"]]).first?
                .hasPrefix("shapes[0].http.deliver: 'twice' is not one of") == true)
    }
}
