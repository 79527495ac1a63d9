import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinStorageMemory
import Testing

@testable import SkeinWeb

/// Run lists say what happened: a failure a later retry recovered is marked with that run, the
/// failure view lists only unrecovered failures, and the dashboard counts successes with
/// warnings apart from clean ones.
@Suite struct RecoveredRunsTests {
    /// Run 1 failed (the fixture's); run 2, a retry of it, succeeded; run 3 failed and nothing recovered it;
    /// run 4 succeeded with a warning (items left Pending).
    static func history(_ fixture: UIFixture) async throws {
        let failed = try await fixture.failedRun()
        let now = Date()
        let retry = try await fixture.store.enqueue(NewRun(flowID: failed.flowID, flowVersion: 1, trigger: .retry, originRunID: failed.id), now: now)
        try await fixture.store.finishRun(runID: retry.id, status: .success, error: nil, failedShapeID: nil, now: now)
        let other = try await fixture.store.enqueue(NewRun(flowID: failed.flowID, flowVersion: 1, trigger: .manual), now: now)
        try await fixture.store.finishRun(runID: other.id, status: .failure, error: "ERP down", failedShapeID: "check", now: now)
        let warned = try await fixture.store.enqueue(NewRun(flowID: failed.flowID, flowVersion: 1, trigger: .manual), now: now)
        try await fixture.store.beginStep(StepID(run: warned.id, sequence: 1), shapeID: "send", shapeType: "http", inputCount: 1, inputBytes: 2, now: now)
        try await fixture.store.finishStep(
            StepID(run: warned.id, sequence: 1),
            outcome: StepOutcome(
                status: .success, attempts: 1, warnings: ["5 of 90 items were not accepted: 5 Pending"]), now: now)
        try await fixture.store.finishRun(runID: warned.id, status: .success, error: nil, failedShapeID: nil, now: now)
    }

    @Test func theRunLogsMarkRecoveredFailuresAndTheFailureViewHidesThem() async throws {
        try await withUIFixture { fixture in
            try await Self.history(fixture)
            try await fixture.application().test(.router) { client in
                let all = try await client.execute(uri: "/runs", method: .get).text
                #expect(all.contains("<a class=\"badge badge-recovered\" href=\"/runs/2\">recovered by run 2</a>"))
                #expect(!all.contains("recovered by run 3"))

                let failures = try await client.execute(uri: "/runs?status=failure", method: .get).text
                #expect(failures.contains("href=\"/runs/3\""), "an unrecovered failure is listed")
                #expect(!failures.contains("href=\"/runs/1\""), "the failure view leaves out what a retry recovered")
                #expect(failures.contains("<option value=\"\" selected>unrecovered only</option>"))

                let everything = try await client.execute(uri: "/runs?status=failure&unrecovered=false", method: .get).text
                #expect(everything.contains("href=\"/runs/1\"") && everything.contains("recovered by run 2"))
                #expect(everything.contains("<option value=\"false\" selected>include recovered</option>"))

                let api = try await client.execute(uri: "/api/v1/runs?status=failure", method: .get)
                let runs = try JSON(parsing: Array(api.body.readableBytesView))["runs"]?.arrayValue ?? []
                #expect(runs.compactMap { $0["id"]?.numberValue } == [3, 1], "the API lists every failure unless asked")
                #expect(runs.last?["recovered_by"] == .number(2) && runs.first?["recovered_by"] == .null)
                let unrecovered = try await client.execute(uri: "/api/v1/runs?unrecovered=true", method: .get)
                #expect(try JSON(parsing: Array(unrecovered.body.readableBytesView))["runs"]?.arrayValue?.compactMap { $0["id"]?.numberValue } == [3])
                let detail = try await client.execute(uri: "/api/v1/runs/1", method: .get)
                #expect(try JSON(parsing: Array(detail.body.readableBytesView))["recovered_by"] == .number(2))
            }
        }
    }

    @Test func theDashboardCountsWarnedSuccessesApartAndListsUnrecoveredFailures() async throws {
        try await withUIFixture { fixture in
            try await Self.history(fixture)
            try await fixture.application().test(.router) { client in
                let page = try await client.execute(uri: "/", method: .get).text
                #expect(page.contains("<b>1</b><span>clean success</span>"))
                #expect(page.contains("<b>1</b><span>success with warnings</span>"))
                #expect(page.contains("has_warnings=true"))
                #expect(
                    page.contains("href=\"/runs/3\"") && !page.contains("href=\"/runs/1\""),
                    "recent failures are those nothing recovered")
            }
        }
    }
}

/// `/runs/{run}/events`: an ended run's stream is its `end` event at once; an unknown run is not
/// found; the process-wide limit refuses one stream more than it allows.
@Suite struct RunEventStreamTests {
    @Test func anEndedRunsStreamEndsAtOnceWithItsFinalState() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let response = try await client.execute(uri: "/runs/1/events", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
                let text = response.text
                #expect(text.hasPrefix("retry: 5000\n\n"))
                #expect(text.contains("event: end\ndata: {\"run\":1,\"status\":\"failure\""))
                #expect(text.contains("\"shape\":\"check\",\"type\":\"filter\",\"status\":\"failure\""))
                #expect(!text.contains("event: run\n"), "nothing is streamed for a run that has ended")
                let missing = try await client.execute(uri: "/runs/99/events", method: .get)
                #expect(missing.status == .notFound)
            }
        }
    }

    @Test func theGateAdmitsAtMostItsLimit() {
        let gate = RunEventGate()
        #expect(gate.enter(limit: 2) && gate.enter(limit: 2))
        #expect(!gate.enter(limit: 2), "a third stream is refused")
        gate.leave()
        #expect(gate.enter(limit: 2), "a place freed is taken again")
        #expect(gate.count == 2)
    }
}
