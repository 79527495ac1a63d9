import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinStorageMemory
import Testing

@testable import SkeinWeb

/// Finding entries in the sync report: several statuses at once, a system named in any case,
/// and a from/to window — the same through the page and the API.
@Suite struct SyncFindingTests {
    @Test func severalStatusesAnySystemCaseAndADateWindow() async throws {
        try await withUIFixture { fixture in
            let run = try await fixture.failedRun()
            let origin = SyncOrigin(flowID: run.flowID, flowVersion: run.flowVersion, runID: run.id, shapeID: "check")
            let entries = (1...9).map { number -> NewSyncEntry in
                let status: SyncStatus = [.ok, .failed, .pending][number % 3]
                let outcome: SyncOutcome = status == .ok ? .accepted : status == .failed ? .permanentFailure("422") : .transientFailure("503")
                return NewSyncEntry(
                    item: SyncItem(
                        system: number <= 6 ? "ERP" : "Shopify", reference: "ORD-\(number)",
                        payload: Payload(json: ["n": .number(Double(number))]), outcome: outcome),
                    status: status, reason: "test")
            }
            _ = try await fixture.store.insertSyncEntries(entries, origin: origin, now: Date())
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let page = try await client.execute(uri: "/sync?status=failed,pending&system=erp&from=\(today)&to=\(today)", method: .get).text
                for number in [1, 2, 4, 5] { #expect(page.contains(">ORD-\(number)<"), "ORD-\(number)") }
                for number in [3, 6, 7, 8, 9] { #expect(!page.contains(">ORD-\(number)<"), "ORD-\(number)") }
                #expect(page.contains("name=\"status\" value=\"failed\" checked") && page.contains("name=\"status\" value=\"pending\" checked"))
                #expect(!page.contains("name=\"status\" value=\"ok\" checked"))
                #expect(page.contains("name=\"from\" value=\"\(today)\""))
                // The OK tile adds OK to the statuses asked for.
                #expect(page.contains("status=ok%2Cpending%2Cfailed"), "in the report's status order")

                let api = try await client.execute(uri: "/api/v1/sync?status=failed&status=pending&system=ERP,SHOPIFY", method: .get)
                let listed = try JSON(parsing: Array(api.body.readableBytesView))["entries"]?.arrayValue ?? []
                #expect(listed.count == 6)
            }
        }
    }
}
