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

/// Recovery in the browser (issue 19 items 3 and 4): one-time action tokens refuse a repeated
/// submission; the run page offers either version and retry from the start; bulk retry and
/// every resync show a confirmation before anything happens; the sync entry page.
@Suite struct UIRecoveryTests {
    @Test func aRecoveryFormIsDoneOnceAndItsRepeatIsRefused() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let fields = [("_once", "0123456789abcdef0123"), ("_back", "/runs/1")]
                let first = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form(fields))
                #expect(first.location?.hasPrefix("/runs/2?notice=") == true)
                let again = try await client.execute(uri: "/runs/1/retry", method: .post, headers: formHeaders, body: form(fields))
                #expect(again.location?.hasPrefix("/runs/1?error=this%20form%20was%20already%20submitted") == true, "\(again.location ?? "")")
                let replayAgain = try await client.execute(
                    uri: "/runs/1/replay", method: .post, headers: formHeaders,
                    body: form([("sequence", "1")] + fields))
                #expect(replayAgain.location?.contains("already%20submitted") == true, "one token, one action of any kind")
                let none = try await client.execute(
                    uri: "/runs/1/retry", method: .post, headers: formHeaders,
                    body: form([("_once", ""), ("_back", "/runs/1")]))
                #expect(none.location?.contains("no%20one-time%20action%20token") == true, "\(none.location ?? "")")
                let malformed = try await client.execute(
                    uri: "/runs/1/retry", method: .post, headers: formHeaders,
                    body: form([("_once", "<script>"), ("_back", "/runs/1")]))
                #expect(malformed.location?.contains("malformed") == true)
            }
            #expect(try await fixture.store.run(id: 3) == nil, "only the first submission started a run")
        }
    }

    @Test func theRunPageOffersTheLatestVersionWhenNewerAndRetryFromTheStart() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let page = try await client.execute(uri: "/runs/1", method: .get).text
                #expect(page.contains("This run ran <b>v1</b> of orders-to-erp, the latest deployed version."))
                #expect(page.contains("id=\"replay-version-ran\" checked"))
                #expect(page.contains("name=\"_once\""), "each recovery form carries a one-time token")
            }
            // A new version (a skip toggle deploys one): now the latest is preselected.
            let text = try FlowYAMLEdit.settingSkip(UIFixture.flowText, true, onShape: "each")
            _ = try await fixture.store.deploy(try FlowFile.decode(text), source: text, now: Date())
            let latest = try #require(try await fixture.store.flow(id: "orders-to-erp", version: nil))
            #expect(latest.version == 2)
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let page = try await client.execute(uri: "/runs/1", method: .get).text
                #expect(page.contains("This run ran <b>v1</b> of orders-to-erp; <b>v2</b> has been deployed since"))
                #expect(page.contains("id=\"replay-version-latest\" checked"))
                let retry = try await client.execute(
                    uri: "/runs/1/retry", method: .post, headers: formHeaders,
                    body: form([("from", "start"), ("version", "latest"), ("_back", "/runs/1")]))
                #expect(retry.location?.hasPrefix("/runs/2?notice=") == true, "\(retry.location ?? "")")
                #expect(retry.location?.contains("from%20the%20start%20on%20the%20latest%20version") == true)
            }
            let retried = try #require(try await fixture.store.run(id: 2))
            #expect(retried.flowVersion == 2 && retried.trigger == .retry && retried.originRunID == 1)
        }
    }

    @Test func bulkRetryConfirmsWithCountsBeforeItStartsAnything() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.operator)).test(.router) { client in
                let page = try await client.execute(uri: "/runs/retry?flow=orders-to-erp", method: .get)
                #expect(page.status == .ok)
                #expect(page.text.contains("<b id=\"bulk-retry-count\">1</b>"))
                #expect(page.text.contains("data-status=\"failure\"><b>1</b>"))
                #expect(try await fixture.store.run(id: 2) == nil, "the confirmation started nothing")
                let done = try await client.execute(
                    uri: "/runs/retry", method: .post, headers: formHeaders,
                    body: form([("flow", "orders-to-erp"), ("version", "ran"), ("_back", "/runs?status=failure")]))
                #expect(done.location?.contains("Retried%201%20failed%20run") == true, "\(done.location ?? "")")
                let nothing = try await client.execute(uri: "/runs/retry?flow=orders-to-erp", method: .get).text
                #expect(nothing.contains("<b id=\"bulk-retry-count\">0</b>"), "a retried run is not retried again")
            }
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let refused = try await client.execute(uri: "/runs/retry", method: .get)
                #expect(refused.status == .forbidden)
                let runs = try await client.execute(uri: "/runs", method: .get)
                #expect(!runs.text.contains("bulk-retry"))
            }
        }
    }

    @Test func theSyncEntryPageShowsHistoryPayloadAndLinks() async throws {
        try await withUIFixture { fixture in
            let run = try await fixture.failedRun()
            let origin = SyncOrigin(flowID: run.flowID, flowVersion: run.flowVersion, runID: run.id, shapeID: "check")
            let item = SyncItem(
                system: "WMS", reference: "#1001", endpointID: "W-1", payload: Payload(json: ["reference": "#1001"]),
                outcome: .accepted, response: "201 Created")
            let ids = try await fixture.store.insertSyncEntries(
                [
                    NewSyncEntry(item: item, status: .ok, reason: "accepted"),
                    NewSyncEntry(
                        item: item, status: .skipped, reason: "already delivered: identical content by sync entry 1 (run 1, step check) on 2026-12-05T10:00:00Z"
                    ),
                ],
                origin: origin, now: Date())
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let page = try await client.execute(uri: "/sync/\(ids[0])", method: .get)
                #expect(page.status == .ok)
                #expect(page.text.contains("<h1>Sync entry \(ids[0])</h1>"))
                #expect(page.text.contains("id=\"endpoint-id\">W-1</dd>"))
                #expect(page.text.contains("<td class=\"wrap mono answer\">201 Created</td>"), "the first attempt's answer")
                #expect(page.text.contains("id=\"sync-attempts\""))
                #expect(page.text.contains("&quot;reference&quot;: &quot;#1001&quot;"), "the payload sent is shown")
                #expect(page.text.contains("href=\"/runs/1\" id=\"run-link\""))
                #expect(page.text.contains("href=\"/runs/1#step-3\" id=\"step-link\""))
                let skipped = try await client.execute(uri: "/sync/\(ids[1])", method: .get).text
                #expect(skipped.contains("by <a href=\"/sync/1\">sync entry 1</a> (<a href=\"/runs/1\">run 1</a>, step check)"))
                let report = try await client.execute(uri: "/sync", method: .get).text
                #expect(report.contains("<a href=\"/sync/\(ids[1])\" class=\"entry-link\">"))
                #expect(report.contains("<a href=\"/sync/1\">sync entry 1</a>"), "a skipped row links the entry that delivered it")
                let download = try await client.execute(uri: "/sync/\(ids[0])/payload", method: .get)
                #expect(download.headers[.contentDisposition] == "attachment; filename=\"sync-\(ids[0])-payload.json\"")
                #expect(try JSON(parsing: download.text)["reference"]?.stringValue == "#1001")
                let missing = try await client.execute(uri: "/sync/999", method: .get)
                #expect(missing.status == .notFound)
                let bad = try await client.execute(uri: "/sync/x", method: .get)
                #expect(bad.status == .notFound)
                let csv = try await client.execute(uri: "/sync/csv", method: .get)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8", "csv is still the CSV")
            }
        }
    }
}
