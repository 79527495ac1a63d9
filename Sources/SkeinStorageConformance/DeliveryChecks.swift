import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The delivery ledger: claims under each `deliver:` rule, answers recorded, a crash between
/// sending and recording, links to the delivering entry, concurrent claims from two handles
/// (two processes) and retention.
enum DeliveryChecks {
    static let key = DeliveryKey(system: "WMS", instance: "wms", reference: "#1001")
    static let first = DeliveryClaimant(runID: 7, shapeID: "post")
    static let replay = DeliveryClaimant(runID: 8, shapeID: "post")

    static func claim(_ claimant: DeliveryClaimant, hash: String = "h1", rule: DeliveryRule = .ifChanged, key: DeliveryKey = key) -> DeliveryClaim {
        DeliveryClaim(key: key, contentHash: hash, claimant: claimant, rule: rule)
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("ledger: identical content delivered OK is not sent again by another run; changed content is") { open in
            let store = try await open()
            try expectEqual(try await store.claimDelivery(claim(first), now: t0), .send(repeated: false))
            try await store.recordDelivery(claim(first), accepted: true, endpointID: "W-1", response: "201 Created", now: t0 + 1)
            guard case .delivered(let record) = try await store.claimDelivery(claim(replay), now: t0 + 10) else {
                throw ConformanceFailure(description: "a replay of identical content was allowed to send")
            }
            try expect(record.claimant == first && record.contentHash == "h1" && record.endpointID == "W-1" && record.response == "201 Created")
            try expectEqual(record.at, t0 + 1)
            try expectEqual(try await store.claimDelivery(claim(replay, hash: "h2"), now: t0 + 11), .send(repeated: false), "changed content")
            try await store.recordDelivery(claim(replay, hash: "h2"), accepted: true, endpointID: "W-1", response: "200 OK", now: t0 + 12)
            let row = try unwrap(try await store.delivery(key))
            try expect(row.delivered?.contentHash == "h2" && row.delivered?.claimant == replay && row.claimant == nil)
        },
        ConformanceCheck("ledger: deliver once refuses changed content; always sends identical content") { open in
            let store = try await open()
            _ = try await store.claimDelivery(claim(first), now: t0)
            try await store.recordDelivery(claim(first), accepted: true, endpointID: "", response: "201", now: t0)
            guard case .delivered = try await store.claimDelivery(claim(replay, hash: "h2", rule: .once), now: t0 + 1) else {
                throw ConformanceFailure(description: "deliver: once sent a reference delivered before")
            }
            try expectEqual(try await store.claimDelivery(claim(replay, rule: .always), now: t0 + 2), .send(repeated: false))
        },
        ConformanceCheck("ledger: a refused delivery releases its claim; a claim never answered is repeated by the same step, flagged") { open in
            let store = try await open()
            _ = try await store.claimDelivery(claim(first), now: t0)
            try await store.recordDelivery(claim(first), accepted: false, endpointID: "", response: "503", now: t0 + 1)
            let released = try await store.delivery(key)
            try expect(released?.claimant == nil && released?.delivered == nil)
            try expectEqual(try await store.claimDelivery(claim(replay), now: t0 + 2), .send(repeated: false), "released, so another run may send")
            // The process dies here: the claim stays. The same step, re-run after the crash, repeats it.
            try expectEqual(try await store.claimDelivery(claim(replay), now: t0 + 3), .send(repeated: true))
        },
        ConformanceCheck("ledger: identical content in flight in another run is not sent twice; an abandoned claim is taken over") { open in
            let store = try await open()
            _ = try await store.claimDelivery(claim(first), now: t0)
            try expectEqual(try await store.claimDelivery(claim(replay), now: t0 + 1), .inFlight(first))
            try expectEqual(try await store.claimDelivery(claim(replay), now: t0 + DeliveryLedgerRule.claimTimeout + 1), .send(repeated: false))
        },
        ConformanceCheck("ledger: the entry that records a delivery is linked from it") { open in
            let store = try await open()
            _ = try await store.claimDelivery(claim(first), now: t0)
            try await store.recordDelivery(claim(first), accepted: true, endpointID: "W-1", response: "201", now: t0)
            var item = SyncItem(system: "WMS", reference: "#1001", payload: Payload(json: ["n": 1]), outcome: .accepted)
            item.delivery = key
            let ids = try await store.insertSyncEntries(
                [NewSyncEntry(item: item, status: .ok, reason: "accepted")],
                origin: SyncOrigin(flowID: "orders", flowVersion: 1, runID: 7, shapeID: "post"), now: t0)
            try expectEqual(try await store.delivery(key)?.delivered?.entryID, ids[0])
            // A Pending entry delivered by its retry is linked by recordSyncAttempt.
            let other = DeliveryKey(system: "WMS", instance: "wms", reference: "#1002")
            var pending = SyncItem(system: "WMS", reference: "#1002", payload: Payload(json: ["n": 2]), outcome: .transientFailure("503"))
            pending.delivery = other
            let pendingIDs = try await store.insertSyncEntries(
                [NewSyncEntry(item: pending, status: .pending, reason: "503", nextRetryAt: t0)],
                origin: SyncOrigin(flowID: "orders", flowVersion: 1, runID: 7, shapeID: "post"), now: t0)
            _ = try await store.claimDelivery(claim(first, key: other), now: t0 + 5)
            try await store.recordDelivery(claim(first, key: other), accepted: true, endpointID: "W-2", response: "201", now: t0 + 5)
            try expectEqual(try await store.delivery(other)?.delivered?.entryID, nil)
            try await store.recordSyncAttempt(
                entryID: pendingIDs[0],
                SyncAttempt(
                    status: .ok, reason: "accepted", endpointID: "W-2", response: "201",
                    nextRetryAt: nil, manual: false, delivery: other), now: t0 + 5)
            try expectEqual(try await store.delivery(other)?.delivered?.entryID, pendingIDs[0])
        },
        ConformanceCheck("ledger: concurrent claims of one key from two handles: exactly one may send") { open in
            let one = try await open()
            let two = try await open()
            for round in 0..<20 {
                let roundKey = DeliveryKey(system: "WMS", instance: "wms", reference: "R-\(round)")
                async let a = one.claimDelivery(claim(first, key: roundKey), now: t0)
                async let b = two.claimDelivery(claim(replay, key: roundKey), now: t0)
                let decisions = [try await a, try await b]
                try expectEqual(decisions.filter { $0 == .send(repeated: false) }.count, 1, "round \(round): \(decisions)")
            }
        },
        ConformanceCheck("ledger: concurrent claims through one handle (one group commit): one per key may send, every key gets its own answer") { open in
            let store = try await open()
            for round in 0..<10 {
                let shared = DeliveryKey(system: "WMS", instance: "wms", reference: "S-\(round)")
                let decisions = try await withThrowingTaskGroup(of: DeliveryDecision.self) { group in
                    for claimant in 0..<8 {
                        group.addTask {
                            try await store.claimDelivery(
                                claim(DeliveryClaimant(runID: RunID(rawValue: Int64(100 + claimant)), shapeID: "post"), key: shared), now: t0)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                try expectEqual(decisions.filter { $0 == .send(repeated: false) }.count, 1, "round \(round): \(decisions)")
                try expectEqual(decisions.filter { if case .inFlight = $0 { return true } else { return false } }.count, 7, "round \(round)")
            }
            let distinct = try await withThrowingTaskGroup(of: DeliveryDecision.self) { group in
                for item in 0..<32 {
                    group.addTask {
                        try await store.claimDelivery(claim(first, key: DeliveryKey(system: "WMS", instance: "wms", reference: "D-\(item)")), now: t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try expectEqual(distinct.filter { $0 == .send(repeated: false) }.count, 32, "distinct keys: \(distinct)")
        },
        ConformanceCheck("ledger: retention deletes rows untouched since the cutoff") { open in
            let store = try await open()
            _ = try await store.claimDelivery(claim(first), now: t0)
            let recent = DeliveryKey(system: "WMS", instance: "wms", reference: "#2000")
            _ = try await store.claimDelivery(claim(first, key: recent), now: t0 + 100)
            try expectEqual(try await store.pruneDeliveries(olderThan: t0 + 50, limit: 10), 1)
            let old = try await store.delivery(key)
            let kept = try await store.delivery(recent)
            try expect(old == nil && kept != nil)
        },
    ]
}
