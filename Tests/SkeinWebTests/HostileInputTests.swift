import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinOperations
import SkeinStorage
import Testing

@testable import SkeinWeb

/// Issue 17's web items, through the router: each hostile request gets a 4xx with a stable code.
@Suite struct HostileInputTests {
    func application(_ fixture: AccessFixture) throws -> some ApplicationProtocol {
        let resolver = StoredInstanceResolver(store: fixture.store, cipher: try CredentialCipher(keyBytes: CredentialCipher.generateKey()))
        let services = WebServices(operations: Operations(store: fixture.store, access: fixture.access, catalog: .permissive), instances: resolver)
        return Application(router: WebServer.router(store: fixture.store, settings: WebSettings(), logger: Logger(label: "test"), services: services))
    }

    @Test func anAliasBombOrAnOversizedFlowIsRefusedAtDeploy() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            let bomb = (1...8).reduce("id: bomb\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n") { text, level in
                text + "x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
            }
            try await application(fixture).test(.router) { client in
                let refused = try await client.execute(
                    uri: "/api/v1/flows", method: .post, headers: bearer(builder, json: false), body: ByteBuffer(string: bomb))
                #expect(refused.status == .badRequest)
                #expect(refused.errorCode == "invalid_flow")
                #expect(refused.json["error"]?["details"]?["problems"]?[0]?["path"] == "x0")
                let large = "id: big\n# " + String(repeating: "x", count: FlowFile.maximumBytes) + "\n"
                let tooLarge = try await client.execute(
                    uri: "/api/v1/flows", method: .post, headers: bearer(builder, json: false), body: ByteBuffer(string: large))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(tooLarge.errorCode == "body_too_large")
            }
            #expect(try await fixture.store.flows().isEmpty)
        }
    }

    @Test func bodiesThatAreNotUTF8AreRefusedNotRepaired() async throws {
        try await withAccess { fixture in
            try await fixture.base.deploy()
            let builder = try await fixture.token(.builder)
            try await application(fixture).test(.router) { client in
                var body = ByteBuffer(string: #"{"orders": [{"id": "caf"#)
                body.writeBytes([0xE9, 0x22, 0x7D, 0x5D, 0x7D])  // "caf\xE9"}]} — Latin-1, not UTF-8
                let webhook = try await client.execute(uri: "/webhooks/orders-in/\(WebhookFixture.token)", method: .post, headers: jsonHeaders, body: body)
                #expect(webhook.status == .badRequest)
                #expect(webhook.errorCode == "invalid_body")
                #expect(webhook.json["error"]?["message"]?.stringValue?.contains("byte 23") == true)
                // Bytes of another content type are kept exactly as they came.
                let binary = try await client.execute(
                    uri: "/webhooks/orders-in/\(WebhookFixture.token)", method: .post,
                    headers: [.contentType: "application/octet-stream"], body: body)
                #expect(binary.status == .accepted)
                let api = try await client.execute(uri: "/api/v1/flows/orders-in/runs", method: .post, headers: bearer(builder), body: body)
                #expect(api.status == .badRequest)
                #expect(api.errorCode == "invalid_body")
            }
            let runs = try await fixture.base.runs()
            #expect(runs.count == 1)
            let stored = try #require(try await fixture.store.payload(of: .input(of: runs[0].id), index: 0))
            #expect(stored.bytes().contains(0xE9))
        }
    }

    @Test func searchTermsAreCappedOnTheListTheCountsAndTheCSV() async throws {
        try await withAccess { fixture in
            let viewer = try await fixture.token(.viewer)
            let long = String(repeating: "a", count: 50_000)
            try await application(fixture).test(.router) { client in
                for path in ["/api/v1/sync", "/api/v1/sync/counts", "/api/v1/sync/csv"] {
                    let answer = try await client.execute(uri: "\(path)?search=\(long)", method: .get, headers: bearer(viewer))
                    #expect(answer.status == .badRequest, "\(path)")
                    #expect(answer.errorCode == "invalid_field")
                    #expect(answer.json["error"]?["field"] == "search")
                }
                let fits = String(repeating: "a", count: SyncQuery.maximumSearchLength)
                #expect(try await client.execute(uri: "/api/v1/sync?search=\(fits)", method: .get, headers: bearer(viewer)).status == .ok)
                let csv = try await client.execute(uri: "/api/v1/sync/csv?search=\(fits)", method: .get, headers: bearer(viewer))
                #expect(csv.status == .ok)
                #expect(String(buffer: csv.body).hasPrefix("sync_id,"))
            }
        }
    }

    @Test func instancesNeedAPlainNameAKnownTypeAndARealTimeZone() async throws {
        try await withAccess { fixture in
            let builder = try await fixture.token(.builder)
            try await application(fixture).test(.router) { client in
                func put(_ name: String, _ body: JSON) async throws -> TestResponse {
                    try await client.execute(
                        uri: "/api/v1/instances/\(name)", method: .put, headers: bearer(builder), body: ByteBuffer(string: body.serialized()))
                }
                let good: JSON = ["type": "http", "address": "http://127.0.0.1:9", "time_zone": "Europe/London"]
                let cases: [(String, JSON, String)] = [
                    ("erp", ["type": "gopher", "address": "http://127.0.0.1:9"], "type"),
                    ("erp", ["type": "http", "address": "http://127.0.0.1:9", "time_zone": "Mars/Olympus"], "time_zone"),
                    (String(repeating: "n", count: 5000), good, "name"),
                    ("..%2F..%2Fetc%2Fpasswd", good, "name"),
                    ("-leading-dash", good, "name"),
                ]
                for (name, body, field) in cases {
                    let answer = try await put(name, body)
                    #expect(answer.status == .badRequest, "\(name.prefix(20)) \(field)")
                    #expect(answer.errorCode == "invalid_field")
                    #expect(answer.json["error"]?["field"]?.stringValue == field)
                    #expect((answer.json["error"]?["message"]?.stringValue?.count ?? 0) < 300, "the message never repeats a huge name")
                }
                #expect(try await put("erp-db.eu_1", good).status == .created)
            }
            #expect(try await fixture.store.storedInstances().map(\.name) == ["erp-db.eu_1"])
        }
    }

    @Test func aWebhookTokenIsShownOnlyToRolesThatMayStartRuns() async throws {
        try await withAccess { fixture in
            try await fixture.base.deploy()
            let viewer = try await fixture.token(.viewer)
            let operatorToken = try await fixture.token(.operator)
            try await application(fixture).test(.router) { client in
                let seenByViewer = try await client.execute(uri: "/api/v1/flows/orders-in", method: .get, headers: bearer(viewer))
                let source = try #require(seenByViewer.json["source"]?.stringValue)
                #expect(!source.contains(WebhookFixture.token))
                #expect(source.contains("token: [hidden]"))
                let version = try await client.execute(uri: "/api/v1/flows/orders-in/versions/1", method: .get, headers: bearer(viewer))
                #expect(version.json["source"]?.stringValue?.contains(WebhookFixture.token) == false)
                let seenByOperator = try await client.execute(uri: "/api/v1/flows/orders-in", method: .get, headers: bearer(operatorToken))
                #expect(seenByOperator.json["source"]?.stringValue?.contains(WebhookFixture.token) == true)

                let (cookie, _) = try await signIn(client, as: "viewer")
                let page = try await client.execute(uri: "/flows/orders-in", method: .get, headers: [.cookie: cookie])
                #expect(page.status == .ok)
                #expect(!String(buffer: page.body).contains(WebhookFixture.token))
                let (operatorCookie, _) = try await signIn(client, as: "operator")
                let operatorPage = try await client.execute(uri: "/flows/orders-in", method: .get, headers: [.cookie: operatorCookie])
                #expect(String(buffer: operatorPage.body).contains(WebhookFixture.token))
            }
        }
    }
}
