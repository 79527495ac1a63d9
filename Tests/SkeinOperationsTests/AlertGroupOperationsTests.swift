import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import SkeinStorageMemory
import Testing

/// Notification groups through the one use case the CLI, the API and the UI share: who may
/// read and change them, the errors each front end reports, masked webhook URLs, the flows
/// naming a group, and the audit log.
@Suite struct AlertGroupOperationsTests {
    let store = MemoryStore()
    var groups: AlertGroupOperations { Operations(store: store).alertGroups }

    static func caller(_ role: Role) -> Identity { Identity(username: "pat", role: role, method: .session) }
    static let secretHook = "https://hooks.slack.com/services/T000/B000/very-secret"

    func mailInstance(type: String = "smtp") async throws {
        try await store.saveInstance(
            StoredInstance(
                name: "mail", connectorType: type, address: "smtp://127.0.0.1:25", timeZone: "UTC",
                rateLimit: nil, timeoutMilliseconds: 30_000, variables: [:], settings: [:],
                sealedCredentials: [], keyID: "k", updatedAt: Date()))
    }

    @Test func buildersChangeGroupsAndEveryoneReadsThemWithURLsMasked() async throws {
        // Given an smtp instance and a flow naming the group
        try await mailInstance()
        let flow = "id: orders\nalerts: { on_failure: [ops] }\nshapes:\n  - id: a\n    payload: { json: {} }\n"
        _ = try await store.deploy(try FlowFile.decode(flow), source: flow, now: Date())

        // When a builder creates it
        try await groups.create(
            Self.caller(.builder), name: "ops",
            .init(emails: ["ops@example.com", " ops@example.com "], webhookURLs: [Self.secretHook], smtpInstance: "mail"))

        // Then a viewer sees it, with the flow naming it and the URL masked
        let listed = try await groups.list(Self.caller(.viewer))
        #expect(listed.map(\.group.name) == ["ops"])
        #expect(listed[0].group.emails == ["ops@example.com"])
        #expect(listed[0].flows == ["orders"])
        #expect(listed[0].maskedWebhookURLs == ["https://hooks.slack.com/…"])
        let json = AlertGroupOperations.json(listed[0]).serialized()
        #expect(!json.contains("very-secret") && json.contains("\"flows\":[\"orders\"]"))

        // And the audit log has the change, without addresses or URLs
        let entries = try await store.auditEntries(AuditQuery(action: "alert_group."))
        #expect(entries.map(\.action) == ["alert_group.create"])
        #expect(entries[0].actor == "pat" && entries[0].target == "alert_group:ops")
        #expect(!entries[0].details.serialized().contains("example.com"))
    }

    @Test func viewersAndOperatorsCannotChangeGroups() async throws {
        for role in [Role.viewer, .operator] {
            let error = await #expect(throws: OperationError.self) {
                try await groups.create(Self.caller(role), name: "ops", .init(emails: ["ops@example.com"]))
            }
            #expect(error?.code == .forbidden)
        }
        try await groups.create(Self.caller(.admin), name: "ops", .init(emails: ["ops@example.com"]))
        for role in [Role.viewer, .operator] {
            await #expect(throws: OperationError.self) { try await groups.delete(Self.caller(role), name: "ops") }
            await #expect(throws: OperationError.self) { try await groups.update(Self.caller(role), name: "ops", .init(emails: ["a@b.co"])) }
        }
        let unauthenticated = await #expect(throws: OperationError.self) { try await groups.list(nil) }
        #expect(unauthenticated?.code == .unauthenticated)
    }

    @Test func errorsNameTheFieldAndNeverAWebhookURL() async throws {
        let builder = Self.caller(.builder)
        func failure(name: String = "ops", _ change: AlertGroupOperations.Change) async -> OperationError? {
            await #expect(throws: OperationError.self) { try await groups.create(builder, name: name, change) }
        }
        let badName = await failure(name: "Ops!", .init(emails: ["ops@example.com"]))
        #expect(badName?.code == .invalidField && badName?.field == "name")
        let nobody = await failure(.init())
        #expect(nobody?.field == "emails" && nobody?.message.contains("at least one email address or webhook URL") == true)
        let badHook = await failure(.init(webhookURLs: ["ftp://hooks.example.com/secret-token"]))
        #expect(badHook?.field == "webhook_urls")
        #expect(badHook?.message.contains("secret-token") == false)
        let noInstance = await failure(.init(emails: ["ops@example.com"], smtpInstance: "mail"))
        #expect(noInstance?.field == "smtp_instance" && noInstance?.message.contains("there is no instance 'mail'") == true)
        try await mailInstance(type: "http")
        let wrongType = await failure(.init(emails: ["ops@example.com"], smtpInstance: "mail"))
        #expect(wrongType?.message.contains("is a http instance; alert mail needs an smtp instance") == true)

        try await groups.create(builder, name: "ops", .init(emails: ["ops@example.com"]))
        let taken = await failure(.init(emails: ["ops@example.com"]))
        #expect(taken?.code == .conflict)
        let missing = await #expect(throws: OperationError.self) { try await groups.update(builder, name: "nope", .init(emails: ["a@b.co"])) }
        #expect(missing?.code == .notFound && missing?.message.contains("there is no alert group 'nope'") == true)
        let gone = await #expect(throws: OperationError.self) { try await groups.delete(builder, name: "nope") }
        #expect(gone?.code == .notFound)
    }

    @Test func anUpdateReplacesEverythingAndIsAudited() async throws {
        let builder = Self.caller(.builder)
        try await groups.create(builder, name: "ops", .init(emails: ["ops@example.com"], webhookURLs: [Self.secretHook]))
        try await groups.update(builder, name: "ops", .init(emails: ["oncall@example.com"]))
        let shown = try await groups.group(Self.caller(.viewer), named: "ops")
        #expect(shown.group.emails == ["oncall@example.com"] && shown.group.webhookURLs.isEmpty)
        try await groups.delete(builder, name: "ops")
        #expect(try await groups.list(builder).isEmpty)
        let actions = try await store.auditEntries(AuditQuery(action: "alert_group.")).map(\.action)
        #expect(actions == ["alert_group.delete", "alert_group.update", "alert_group.create"])
    }

    @Test func recentAlertsAreTheAlertEntriesOfTheAuditLog() async throws {
        let now = Date()
        try await store.appendAudit(actor: "skein", action: "alert.sent", target: "flow:orders", details: ["group": "ops"], now: now)
        try await store.appendAudit(actor: "pat", action: "alert_group.create", target: "alert_group:ops", details: [:], now: now)
        try await store.appendAudit(actor: "skein", action: "alert.digest", target: "flow:orders", details: ["group": "ops"], now: now)
        let recent = try await groups.recentAlerts(Self.caller(.viewer))
        #expect(recent.map(\.action) == ["alert.digest", "alert.sent"])
    }
}
