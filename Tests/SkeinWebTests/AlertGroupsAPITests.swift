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

/// `/api/v1/alert-groups`: the same answers and errors as `skein alert-group`, webhook URLs
/// never shown back, every change audited.
@Suite struct AlertGroupsAPITests {
    static let json: HTTPFields = [.contentType: "application/json"]
    static let hook = "https://hooks.slack.com/services/T000/B000/very-secret"

    static func body(_ value: JSON) -> ByteBuffer { ByteBuffer(string: value.serialized()) }

    @Test func buildersCreateUpdateAndDeleteAndViewersRead() async throws {
        let fixture = UIFixture()
        try await fixture.application(as: UIFixture.identity(.builder)).test(.router) { client in
            let created = try await client.execute(
                uri: "/api/v1/alert-groups", method: .post, headers: Self.json,
                body: Self.body(["name": "ops", "emails": ["ops@example.com"], "webhook_urls": [.string(Self.hook)]]))
            #expect(created.status == .created)
            #expect(created.text.contains("\"webhook_urls\":[\"https://hooks.slack.com/…\"]") && !created.text.contains("very-secret"))
            let again = try await client.execute(
                uri: "/api/v1/alert-groups", method: .post, headers: Self.json,
                body: Self.body(["name": "ops", "emails": ["ops@example.com"]]))
            #expect(again.status == .conflict && again.text.contains("\"code\":\"conflict\""))
            let updated = try await client.execute(
                uri: "/api/v1/alert-groups/ops", method: .put, headers: Self.json,
                body: Self.body(["emails": ["oncall@example.com"]]))
            #expect(updated.status == .ok && updated.text.contains("oncall@example.com"))
            #expect(updated.text.contains("\"webhook_urls\":[\"https://hooks.slack.com/…\"]"), "webhook_urls omitted: kept")
            let cleared = try await client.execute(
                uri: "/api/v1/alert-groups/ops", method: .put, headers: Self.json,
                body: Self.body(["emails": ["oncall@example.com"], "webhook_urls": []]))
            #expect(cleared.text.contains("\"webhook_urls\":[]"))
            let missing = try await client.execute(
                uri: "/api/v1/alert-groups/nope", method: .put, headers: Self.json,
                body: Self.body(["emails": ["a@example.com"]]))
            #expect(missing.status == .notFound)
        }
        try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
            let list = try await client.execute(uri: "/api/v1/alert-groups", method: .get)
            #expect(list.status == .ok && list.text.contains("\"name\":\"ops\""))
            let one = try await client.execute(uri: "/api/v1/alert-groups/ops", method: .get)
            #expect(one.status == .ok && one.text.contains("oncall@example.com"))
            let refused = try await client.execute(uri: "/api/v1/alert-groups/ops", method: .delete)
            #expect(refused.status == .forbidden)
        }
        try await fixture.application(as: UIFixture.identity(.admin)).test(.router) { client in
            let deleted = try await client.execute(uri: "/api/v1/alert-groups/ops", method: .delete)
            #expect(deleted.status == .noContent)
            let gone = try await client.execute(uri: "/api/v1/alert-groups/ops", method: .get)
            #expect(gone.status == .notFound)
        }
        let audit = try await fixture.store.auditEntries(AuditQuery(action: "alert_group."))
        #expect(audit.map(\.action) == ["alert_group.delete", "alert_group.update", "alert_group.update", "alert_group.create"])
    }

    @Test func badBodiesAreRefusedNamingTheField() async throws {
        let fixture = UIFixture()
        try await fixture.application(as: UIFixture.identity(.builder)).test(.router) { client in
            func post(_ body: JSON) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/alert-groups", method: .post, headers: Self.json, body: Self.body(body))
            }
            let typo = try await post(["name": "ops", "emails": ["ops@example.com"], "webhookUrls": [.string(Self.hook)]])
            #expect(typo.status == .badRequest && typo.text.contains("\"field\":\"webhookUrls\""))
            let notList = try await post(["name": "ops", "emails": "ops@example.com"])
            #expect(notList.status == .badRequest && notList.text.contains("\"field\":\"emails\""))
            let badURL = try await post(["name": "ops", "webhook_urls": ["ftp://hooks.example.com/secret-token"]])
            #expect(badURL.text.contains("\"field\":\"webhook_urls\"") && !badURL.text.contains("secret-token"))
            let noName = try await post(["emails": ["ops@example.com"]])
            #expect(noName.status == .badRequest && noName.text.contains("\"field\":\"name\""))
            let noInstance = try await post(["name": "ops", "emails": ["ops@example.com"], "smtp_instance": "mail"])
            #expect(noInstance.text.contains("\"field\":\"smtp_instance\""))
            let renamed = try await client.execute(
                uri: "/api/v1/alert-groups/ops", method: .put, headers: Self.json,
                body: Self.body(["name": "other", "emails": ["ops@example.com"]]))
            #expect(renamed.status == .badRequest || renamed.status == .notFound)
        }
    }
}
