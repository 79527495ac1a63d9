import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import Testing

@testable import SkeinWeb

@Suite struct UIActionTests {
    @Test func retryQueuesARunFromTheFailedStepWithItsInputs() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let response = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form([("_back", "/runs/1")]))
                #expect(response.status == .seeOther)
                #expect(response.location?.hasPrefix("/runs/2?notice=") == true)
            }
            let retry = try #require(try await fixture.store.run(id: 2))
            #expect(retry.trigger == .retry)
            #expect(retry.originRunID == 1)
            #expect(retry.entryShapeID == "check")
            #expect(try await fixture.store.payloads(of: .input(of: 2)).count == 2, "the two orders the failed step received")
            let audit = try await fixture.store.auditEntries(AuditQuery(action: "run."))
            #expect(audit.map(\.actor) == ["pat"])
            #expect(audit.map(\.action) == ["run.retry"])
            #expect(audit.first?.target == "run:1")
        }
    }

    @Test func replayFromAStepFeedsItTheInputItHad() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                // "Replay from this step" on step 2 ('each') sends the outputs of step 1.
                let response = try await client.execute(
                    uri: "/runs/1/replay", method: .post, headers: formHeaders,
                    body: form([("sequence", "1"), ("_back", "/runs/1")]))
                #expect(response.location?.hasPrefix("/runs/2?") == true)
            }
            let replay = try #require(try await fixture.store.run(id: 2))
            #expect(replay.trigger == .replay)
            #expect(replay.entryShapeID == "each")
            #expect(try await fixture.store.payload(of: .input(of: 2), index: 0)?.json() == ["orders": [["id": 1], ["id": 2]]])
        }
    }

    @Test func actionsNeedTheRoleAndTheCSRFToken() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let response = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form([]))
                #expect(response.status == .forbidden)
            }
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let forged = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form([], csrf: "guessed"))
                #expect(forged.status == .forbidden)
                #expect(forged.text.contains("security token"))
                let skip = try await client.execute(
                    uri: "/flows/orders-to-erp/skip", method: .post, headers: formHeaders,
                    body: form([("shape", "each"), ("skip", "true")]))
                #expect(skip.status == .forbidden, "changing a flow needs the builder role")
            }
            try await fixture.application(as: nil).test(.router) { client in
                let anonymous = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form([]))
                #expect(anonymous.status == .unauthorized)
            }
            #expect(try await fixture.store.run(id: 2) == nil, "no refused action started a run")
        }
    }

    @Test func aSkipToggleDeploysANewVersionAndKeepsTheFlowDisabled() async throws {
        try await withUIFixture { fixture in
            try await fixture.deploy()
            try await fixture.store.setEnabled(flowID: "orders-to-erp", enabled: false)
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/flows/orders-to-erp/skip", method: .post, headers: formHeaders,
                    body: form([("shape", "each"), ("skip", "true"), ("_back", "/flows/orders-to-erp")]))
                #expect(response.location?.contains("Deployed%20v2") == true)
                let page = try await client.execute(uri: "/flows/orders-to-erp", method: .get).text
                #expect(page.contains("class=\"skipped\" id=\"shape-each\""))
            }
            let latest = try #require(try await fixture.store.flow(id: "orders-to-erp", version: nil))
            #expect(latest.version == 2)
            #expect(latest.definition.shapes.map(\.skip) == [false, true, false])
            #expect(!latest.enabled)
            #expect(try await fixture.store.flow(id: "orders-to-erp", version: 1)?.definition.shapes[1].skip == false, "v1 is unchanged")
        }
    }

    @Test func initialiseQueuesARunWithThePastedPayloadFromTheChosenStep() async throws {
        try await withUIFixture { fixture in
            try await fixture.deploy()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let ok = try await client.execute(
                    uri: "/flows/orders-to-erp/initialise", method: .post, headers: formHeaders,
                    body: form([
                        ("payload", #"{"orders": [{"id": 7}]}"#), ("content_type", "application/json"),
                        ("from_step", "each"), ("_back", "/flows/orders-to-erp"),
                    ]))
                #expect(ok.location?.hasPrefix("/runs/1?") == true)
                let bad = try await client.execute(
                    uri: "/flows/orders-to-erp/initialise", method: .post, headers: formHeaders,
                    body: form([("payload", "{not json"), ("_back", "/flows/orders-to-erp")]))
                #expect(bad.status == .seeOther)
                #expect(bad.location?.hasPrefix("/flows/orders-to-erp?error=the%20payload%20is%20not%20valid%20JSON") == true)
            }
            let run = try #require(try await fixture.store.run(id: 1))
            #expect(run.entryShapeID == "each")
            #expect(run.status == .queued)
            #expect(try await fixture.store.payload(of: .input(of: 1), index: 0)?.json() == ["orders": [["id": 7]]])
            #expect(try await fixture.store.run(id: 2) == nil)
        }
    }

    @Test func theSyncCSVHoldsEveryMatchingEntryAndOnlyThose() async throws {
        try await withUIFixture { fixture in
            let run = try await fixture.failedRun()
            let origin = SyncOrigin(flowID: run.flowID, flowVersion: run.flowVersion, runID: run.id, shapeID: "check")
            var entries: [NewSyncEntry] = []
            for number in 1...2500 {
                let status: SyncStatus = number % 10 == 0 ? .failed : .ok
                entries.append(
                    NewSyncEntry(
                        item: SyncItem(
                            system: "ERP", reference: "ORD-\(number)", payload: Payload(json: ["n": .number(Double(number))]),
                            outcome: status == .ok ? .accepted : .permanentFailure("refused, \"quoted\"")),
                        status: status, reason: "test"))
            }
            _ = try await fixture.store.insertSyncEntries(entries, origin: origin, now: Date())
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let csv = try await client.execute(uri: "/sync/csv?status=failed", method: .get)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = csv.text.split(separator: "\r\n")
                #expect(lines.first == Substring(SyncReportColumns.names.joined(separator: ",")))
                #expect(lines.count == 251)
                #expect(lines.dropFirst().allSatisfy { $0.contains(",failed,ERP,ORD-") })
                let page = try await client.execute(uri: "/sync?status=failed&sort=reference&order=asc", method: .get).text
                #expect(page.contains("<b>250</b><span>FAILED</span>"))
                #expect(page.contains("Resync all") == false, "resync is unavailable without a resender, and a viewer may not")
                #expect(page.contains("rel=\"next\""), "250 entries make more than one page")
            }
        }
    }
}
