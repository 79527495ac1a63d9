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

/// The Alerts page: groups with masked webhook URLs and the flows naming them, forms for
/// builders only (with the CSRF token), the latest alerts from the audit log.
@Suite struct AlertsPageTests {
    static let hook = "https://hooks.slack.com/services/T000/B000/very-secret"

    func seeded() async throws -> UIFixture {
        let fixture = UIFixture()
        let flow = "id: orders\nalerts: { on_failure: [ops, nobody] }\nshapes:\n  - id: a\n    payload: { json: {} }\n"
        _ = try await fixture.store.deploy(try FlowFile.decode(flow), source: flow, now: Date())
        try await Operations(store: fixture.store).alertGroups.create(
            UIFixture.identity(.builder), name: "ops", .init(emails: ["ops@example.com"], webhookURLs: [Self.hook]))
        try await fixture.store.appendAudit(
            actor: "skein", action: "alert.failed", target: "flow:orders",
            details: [
                "group": "ops", "subject": "[Skein] orders: run 1 failed", "sent_to": [],
                "errors": ["POST to https://hooks.slack.com/… answered <500>"],
            ], now: Date())
        return fixture
    }

    @Test func viewersSeeGroupsMaskedAndNoForms() async throws {
        let fixture = try await seeded()
        try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
            let page = try await client.execute(uri: "/alerts", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("ops@example.com") && page.text.contains("https://hooks.slack.com/…"))
            #expect(!page.text.contains("very-secret"))
            #expect(page.text.contains("<a href=\"/flows/orders\">orders</a>"))
            #expect(page.text.contains("id=\"missing-groups\"") && page.text.contains("<b>nobody</b>"))
            #expect(page.text.contains("answered &lt;500&gt;"), "recent alerts, escaped")
            #expect(!page.text.contains("<form method=\"post\" action=\"/alerts"), "no forms for viewers")
            let refused = try await client.execute(uri: "/alerts/ops/delete", method: .post, headers: formHeaders, body: form([]))
            #expect(refused.status == .forbidden)
        }
        #expect(try await fixture.store.alertGroup(named: "ops") != nil)
    }

    @Test func buildersCreateEditAndDeleteThroughTheForms() async throws {
        let fixture = try await seeded()
        try await fixture.application(as: UIFixture.identity(.builder)).test(.router) { client in
            let page = try await client.execute(uri: "/alerts", method: .get)
            #expect(page.text.contains("id=\"new-group\"") && page.text.contains("value=\"\(UIFixture.csrf)\""))
            #expect(!page.text.contains("&lt;th&gt;"), "the actions column header is markup, not text")
            let created = try await client.execute(
                uri: "/alerts", method: .post, headers: formHeaders,
                body: form([
                    ("name", "oncall"), ("emails", "a@example.com\r\nb@example.com"), ("webhook_urls", ""),
                    ("smtp_instance", ""), ("_back", "/alerts"),
                ]))
            #expect(created.location?.hasPrefix("/alerts?notice=") == true, "\(created.location ?? "")")
            // Editing keeps the stored webhook URL unless told otherwise.
            let edited = try await client.execute(
                uri: "/alerts/ops", method: .post, headers: formHeaders,
                body: form([("emails", "new@example.com"), ("keep_webhook_urls", "true"), ("webhook_urls", "")]))
            #expect(edited.location?.hasPrefix("/alerts?notice=") == true)
            let bad = try await client.execute(
                uri: "/alerts", method: .post, headers: formHeaders,
                body: form([("name", "Bad Name"), ("emails", "x@example.com"), ("_back", "/alerts")]))
            #expect(bad.location?.hasPrefix("/alerts?error=") == true)
            let forged = try await client.execute(uri: "/alerts/oncall/delete", method: .post, headers: formHeaders, body: form([], csrf: "guessed"))
            #expect(forged.status == .forbidden)
            let deleted = try await client.execute(uri: "/alerts/oncall/delete", method: .post, headers: formHeaders, body: form([("_back", "/alerts")]))
            #expect(deleted.location?.hasPrefix("/alerts?notice=") == true)
        }
        let ops = try #require(try await fixture.store.alertGroup(named: "ops"))
        #expect(ops.emails == ["new@example.com"] && ops.webhookURLs == [Self.hook])
        #expect(try await fixture.store.alertGroup(named: "oncall") == nil)
        let actions = try await fixture.store.auditEntries(AuditQuery(action: "alert_group.")).map(\.action)
        #expect(actions == ["alert_group.delete", "alert_group.update", "alert_group.create", "alert_group.create"])
    }
}
