import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinStorage
import Testing

@testable import SkeinWeb

/// Drafts and versions through the API: edits go into a draft, deploy makes the next version,
/// a rollback deploys an old version's text as the next one, diffs compare shape by shape, and
/// deploys and rollbacks are in the audit log with who did them.
@Suite struct FlowDraftAPITests {
    static let v1 = """
        # Orders from the shop, paid ones only.
        id: orders
        shapes:
          - id: paid
            filter: { condition: status = "paid" }   # the shop marks paid orders
          - id: to-erp
            map:
              fields:
                number: id
        """
    static let v2 = v1.replacingOccurrences(of: "number: id", with: "number: $string(id)")

    func yaml(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/yaml"] }

    @Test func aBuilderDraftsDeploysDiffsAndRollsBackWithEveryStepAudited() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            try await fixture.application().test(.router) { client in
                // A new flow starts as a draft; nothing is deployed yet.
                let created = try await client.execute(uri: "/api/v1/drafts", method: .post, headers: yaml(builder), body: ByteBuffer(string: Self.v1))
                #expect(created.status == .created)
                #expect(created.json["flow"] == "orders" && created.json["saved"] == true && created.json["valid"] == true)
                #expect(created.json["base_version"] == .null)
                #expect(try await fixture.store.flows().isEmpty, "a draft is not a deployed flow")

                let first = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                #expect(first.status == .created)
                #expect(first.json["version"] == 1)
                #expect(try await fixture.store.draft(of: "orders") == nil, "deploying removes the draft")

                // With no draft, the editor opens the latest version's text.
                let opened = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .get, headers: bearer(builder))
                #expect(opened.json["saved"] == false && opened.json["source"]?.stringValue == Self.v1 && opened.json["latest_version"] == 1)

                // An invalid draft is kept, with its located problems; it cannot be deployed.
                let broken = Self.v1.replacingOccurrences(of: "condition: status", with: "conditoin: status")
                let saved = try await client.execute(
                    uri: "/api/v1/flows/orders/draft", method: .put, headers: yaml(builder),
                    body: ByteBuffer(string: broken))
                #expect(saved.status == .ok)
                #expect(saved.json["valid"] == false && saved.json["base_version"] == 1)
                let paths = saved.json["problems"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                #expect(paths.contains { $0.hasPrefix("shapes[0].filter") }, "\(paths)")
                let refused = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                #expect(refused.status == .badRequest && refused.errorCode == "invalid_flow")
                #expect(try await fixture.store.flow(id: "orders", version: nil)?.version == 1)

                // The fixed draft deploys as version 2, comments and all.
                _ = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .put, headers: yaml(builder), body: ByteBuffer(string: Self.v2))
                let second = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                #expect(second.status == .created && second.json["version"] == 2)
                #expect(try await fixture.store.flow(id: "orders", version: 2)?.source == Self.v2)

                let diff = try await client.execute(uri: "/api/v1/flows/orders/diff?from=1&to=2", method: .get, headers: bearer(builder))
                #expect(diff.status == .ok && diff.json["identical"] == false)
                let changes = diff.json["shapes"]?.arrayValue ?? []
                #expect(changes.map { $0["id"]?.stringValue ?? "" } == ["paid", "to-erp"])
                #expect(changes.map { $0["change"]?.stringValue ?? "" } == ["unchanged", "changed"])
                #expect(changes[1]["from"]?["shape"]?["map"]?["fields"]?["number"] == "id")
                #expect(changes[1]["to"]?["shape"]?["map"]?["fields"]?["number"] == "$string(id)")

                // Roll back to version 1: version 3 with version 1's text.
                let rolled = try await client.execute(
                    uri: "/api/v1/flows/orders/rollback", method: .post, headers: bearer(builder),
                    body: ByteBuffer(string: #"{"version": 1}"#))
                #expect(rolled.status == .created && rolled.json["version"] == 3)
                #expect(try await fixture.store.flow(id: "orders", version: nil)?.source == Self.v1)
                #expect(try await fixture.store.flow(id: "orders", version: 2)?.source == Self.v2, "deployed versions are never edited")
                let same = try await client.execute(uri: "/api/v1/flows/orders/diff?from=1&to=3", method: .get, headers: bearer(builder))
                #expect(same.json["identical"] == true)
                let latest = try await client.execute(
                    uri: "/api/v1/flows/orders/rollback", method: .post, headers: bearer(builder),
                    body: ByteBuffer(string: #"{"version": 3}"#))
                #expect(latest.status == .badRequest)
                let missing = try await client.execute(
                    uri: "/api/v1/flows/orders/rollback", method: .post, headers: bearer(builder),
                    body: ByteBuffer(string: #"{"version": 9}"#))
                #expect(missing.status == .notFound)

                let audit = try await fixture.store.auditEntries(AuditQuery(action: "flow."))
                let trail = audit.reversed().map { "\($0.action) \($0.actor) v\($0.details["version"]?.numberValue.map { Int($0) } ?? 0)" }
                #expect(trail == ["flow.deploy builder (token) v1", "flow.deploy builder (token) v2", "flow.rollback builder (token) v3"])
                #expect(audit.first?.details["from_version"] == 1)
            }
        }
    }

    @Test func aDraftStartedBeforeAnotherDeployIsRefusedUnlessForced() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            try await fixture.application().test(.router) { client in
                _ = try await client.execute(uri: "/api/v1/flows", method: .post, headers: yaml(builder), body: ByteBuffer(string: Self.v1))
                _ = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .put, headers: yaml(builder), body: ByteBuffer(string: Self.v2))
                let other = Self.v1 + "\n# someone else's change\n"
                _ = try await client.execute(uri: "/api/v1/flows", method: .post, headers: yaml(builder), body: ByteBuffer(string: other))
                let stale = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder))
                #expect(stale.status == .conflict)
                #expect(stale.json["error"]?["message"]?.stringValue?.contains("version 2") == true)
                let diff = try await client.execute(uri: "/api/v1/flows/orders/diff?from=2", method: .get, headers: bearer(builder))
                #expect(diff.json["to"] == "draft" && diff.json["identical"] == false)
                let forced = try await client.execute(
                    uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(builder),
                    body: ByteBuffer(string: #"{"force": true}"#))
                #expect(forced.status == .created && forced.json["version"] == 3)
                // A text naming another flow is not this flow's draft.
                let renamed = try await client.execute(
                    uri: "/api/v1/flows/orders/draft", method: .put, headers: yaml(builder),
                    body: ByteBuffer(string: Self.v1.replacingOccurrences(of: "id: orders", with: "id: invoices")))
                #expect(renamed.status == .badRequest && renamed.json["error"]?["field"] == "id")
            }
        }
    }

    @Test func viewersReadDraftsAndDiffsButCannotChangeThem() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder), viewer = try await fixture.token(.viewer), operator_ = try await fixture.token(.operator)
            let hooked = Self.v1.replacingOccurrences(of: "shapes:", with: "trigger: { webhook: { token: \(WebhookFixture.token) } }\nshapes:")
            try await fixture.application().test(.router) { client in
                _ = try await client.execute(uri: "/api/v1/drafts", method: .post, headers: yaml(builder), body: ByteBuffer(string: hooked))
                let read = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .get, headers: bearer(viewer))
                #expect(read.status == .ok)
                #expect(read.json["source"]?.stringValue?.contains(WebhookFixture.token) == false, "a viewer never sees the webhook token")
                let asOperator = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .get, headers: bearer(operator_))
                #expect(asOperator.json["source"]?.stringValue?.contains(WebhookFixture.token) == true)
                for token in [viewer, operator_] {
                    let save = try await client.execute(
                        uri: "/api/v1/flows/orders/draft", method: .put, headers: yaml(token), body: ByteBuffer(string: Self.v1))
                    #expect(save.status == .forbidden)
                    let deploy = try await client.execute(uri: "/api/v1/flows/orders/draft/deploy", method: .post, headers: bearer(token))
                    #expect(deploy.status == .forbidden)
                    let discard = try await client.execute(uri: "/api/v1/flows/orders/draft", method: .delete, headers: bearer(token))
                    #expect(discard.status == .forbidden)
                }
                let check = try await client.execute(
                    uri: "/api/v1/flows/validate", method: .post, headers: yaml(viewer),
                    body: ByteBuffer(string: "id: x\nshapes:\n  - id: a\n    map: { feilds: {} }\n"))
                #expect(check.status == .ok && check.json["valid"] == false)
                #expect(check.json["problems"]?[0]?["path"]?.stringValue?.hasPrefix("shapes[0].map") == true)
                #expect(try await fixture.store.draft(of: "orders")?.source == hooked)
            }
        }
    }
}
