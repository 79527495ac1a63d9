import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Synchronization
import Testing

/// The alert rate limit as `skein serve` runs it, on a clock the test moves: the first failure
/// of a flow goes out at once, later ones inside the window are only counted, the digest goes
/// out when the window ends, a failure is never alerted twice, and an alert that cannot be
/// delivered is written to the audit log as `alert.failed`.
@Suite struct AlertServiceTests {
    /// Records what would have been sent.
    final class Recorder: AlertDelivery {
        let mails = Mutex<[(to: [String], subject: String, body: String)]>([])
        let posts = Mutex<[(url: String, text: String)]>([])

        func sendEmail(instance: Instance, from: String, to: [String], subject: String, body: String) async throws {
            mails.withLock { $0.append((to, subject, body)) }
        }

        func postWebhook(url: String, text: String) async throws {
            if url.contains("down") { throw AlertTestError.refused }
            posts.withLock { $0.append((url, text)) }
        }
    }

    enum AlertTestError: Error { case refused }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    let store = MemoryStore()
    let clock = Clock()
    let recorder = Recorder()

    func service() -> AlertService {
        let clock = clock
        return AlertService(
            store: store, catalog: ShapeCatalog(),
            instances: FixedInstances([
                Instance(
                    name: "mail", connectorType: "smtp",
                    address: "smtp://127.0.0.1:25")
            ]),
            delivery: recorder,
            settings: AlertService.Settings(
                window: .seconds(600), smtpInstance: "mail",
                baseURL: "https://skein.example.com/"),
            logger: Logger(label: "alert-test"), now: { clock.now })
    }

    func deploy(groups: String = "[ops]") async throws -> DeployedFlow {
        let text = "id: orders\nalerts: { on_failure: \(groups) }\nshapes:\n  - id: check\n    assert: { that: [ { field: id, exists: true } ] }\n"
        return try await store.deploy(try FlowFile.decode(text), source: text, now: clock.now).flow
    }

    func failedRun(_ flow: DeployedFlow) async throws {
        let run = try await store.enqueue(NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: []), now: clock.now)
        try await store.finishRun(runID: run.id, status: .failure, error: "step 'check' failed: id is missing", failedShapeID: "check", now: clock.now)
    }

    @Test func theFirstFailureIsSentLaterOnesWaitForOneDigest() async throws {
        try await store.saveAlertGroup(
            AlertGroup(
                name: "ops", emails: ["ops@example.com"], webhookURLs: ["https://hooks.example.com/s3cret"],
                updatedAt: clock.now))
        let flow = try await deploy()
        let alerts = service()

        try await failedRun(flow)
        try await alerts.pass()
        try await alerts.pass()  // the same failure again: never a second alert
        #expect(recorder.mails.withLock { $0.map(\.subject) } == ["[Skein] orders: run 1 failed"])
        #expect(recorder.mails.withLock { $0[0].body }.contains("https://skein.example.com/runs/1"))
        #expect(recorder.posts.withLock { $0.count } == 1)

        clock.advance(60)
        try await failedRun(flow)
        clock.advance(60)
        try await failedRun(flow)
        try await alerts.pass()
        #expect(recorder.mails.withLock { $0.count } == 1, "failures inside the window are only counted")

        clock.advance(600)
        try await alerts.pass()
        let subjects = recorder.mails.withLock { $0.map(\.subject) }
        #expect(subjects.count == 2 && subjects[1].hasPrefix("[Skein] orders: 2 more failures since"))
        let actions = try await store.auditEntries(AuditQuery(action: "alert.")).map(\.action)
        #expect(actions == ["alert.digest", "alert.sent"])
        try await alerts.pass()
        #expect(recorder.mails.withLock { $0.count } == 2, "one digest per window")
    }

    @Test func whatCannotBeDeliveredIsAuditedAsFailedWithoutTheURL() async throws {
        try await store.saveAlertGroup(
            AlertGroup(
                name: "ops", emails: ["ops@example.com"], webhookURLs: ["https://down.example.com/s3cret"],
                updatedAt: clock.now))
        let flow = try await deploy(groups: "[ops, gone]")
        try await failedRun(flow)
        try await service().pass()

        let entries = try await store.auditEntries(AuditQuery(action: "alert."))
        #expect(entries.map(\.action) == ["alert.failed", "alert.failed"])
        let text = entries.map { $0.details.serialized() }.joined()
        #expect(text.contains("there is no alert group 'gone'"))
        #expect(text.contains("refused") && !text.contains("s3cret"))
        #expect(text.contains("mailto:ops@example.com"), "the mail of group ops went out; only its webhook failed")
    }

    @Test func aSyncEntryTurningFailedAlertsTheFlowsOnSyncFailedGroups() async throws {
        try await store.saveAlertGroup(AlertGroup(name: "ops", emails: ["ops@example.com"], updatedAt: clock.now))
        let text = "id: orders\nalerts: { on_sync_failed: [ops] }\nshapes:\n  - id: check\n    assert: { that: [ { field: id, exists: true } ] }\n"
        let flow = try await store.deploy(try FlowFile.decode(text), source: text, now: clock.now).flow
        let run = try await store.enqueue(NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: []), now: clock.now)
        let step = StepID(run: run.id, sequence: 1)
        try await store.beginStep(step, shapeID: "check", shapeType: "http", inputCount: 1, inputBytes: 2, now: clock.now)
        let item = SyncItem(
            system: "ERP", reference: "#1001", payload: Payload(json: ["id": 1001]), outcome: .permanentFailure("422 no such SKU"),
            response: "422 no such SKU")
        try await store.finishStep(
            step,
            outcome: StepOutcome(
                status: .success, attempts: 1,
                syncEntries: [NewSyncEntry(item: item, status: .failed, reason: "422 no such SKU")]),
            now: clock.now)
        try await store.finishRun(runID: run.id, status: .success, error: nil, failedShapeID: nil, now: clock.now)

        try await service().pass()
        let mails = recorder.mails.withLock { $0 }
        #expect(mails.map(\.subject) == ["[Skein] orders: sync #1001 failed"])
        #expect(mails.first?.body.contains("422 no such SKU") == true)
        #expect(mails.first?.body.contains("https://skein.example.com/sync?status=failed&flow=orders") == true)
    }
}
