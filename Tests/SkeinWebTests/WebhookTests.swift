import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage
import SkeinStorageMemory
import SkeinStoragePostgres
import SkeinStorageSQLite
import SkeinTestSupport
import SkeinWeb
import Testing

/// A webhook flow deployed into a fresh store, and the router serving it. The store is in
/// memory unless a test is about SQLite itself (a refused commit): then it is a fresh file.
struct WebhookFixture {
    static let token = "tok-3f9a8b7c6d5e4f3a2b1c"
    static let secret = "hmac-secret-for-tests"

    let store: any SkeinStore
    /// The SQLite file, when the fixture has one.
    let databasePath: String?
    let directory: URL?

    init(sqlite: Bool = false) throws {
        guard sqlite else {
            (store, databasePath, directory) = (MemoryStore(), nil, nil)
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("skein.sqlite").path
        (store, databasePath, self.directory) = (try SQLiteStore(path: path), path, directory)
    }

    func remove() { if let directory { try? FileManager.default.removeItem(at: directory) } }

    @discardableResult
    func deploy(id: String = "orders-in", webhook: String? = nil) async throws -> DeployedFlow {
        let trigger = webhook ?? "{ webhook: { token: \(Self.token) } }"
        let text = """
            id: \(id)
            trigger: \(trigger)
            shapes:
              - id: each
                split: { path: orders }
            """
        return try await store.deploy(try FlowFile.decode(text), source: text, now: Date()).flow
    }

    func application(maximumWebhookBytes: Int = 1024, environment: [String: String] = ["ORDERS_HMAC": secret]) -> some ApplicationProtocol {
        let settings = WebSettings(maximumWebhookBytes: maximumWebhookBytes, environment: environment)
        return Application(router: WebServer.router(store: store, settings: settings, logger: Logger(label: "test")))
    }

    func runs() async throws -> [RunRecord] { try await store.runs(RunQuery(limit: 100)) }
}

func withFixture(sqlite: Bool = false, _ body: (WebhookFixture) async throws -> Void) async throws {
    let fixture = try WebhookFixture(sqlite: sqlite)
    defer { fixture.remove() }
    try await body(fixture)
}

extension TestResponse {
    var json: JSON { (try? JSON(parsing: Array(body.readableBytesView))) ?? .null }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func signatureHeaders(_ value: String, contentType: String = "application/json") -> HTTPFields {
    var fields: HTTPFields = [.contentType: contentType]
    fields[HTTPFields.Element.Name("X-Skein-Signature")!] = value
    return fields
}

func hmacHex(_ body: String, secret: String) -> String {
    let code = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
    return code.map { String(format: "%02x", $0) }.joined()
}

@Suite struct WebhookTests {
    let path = "/webhooks/orders-in/\(WebhookFixture.token)"

    @Test func aValidPostIsStoredAsAQueuedRunBeforeTheAnswer() async throws {
        try await withFixture { fixture in
            let flow = try await fixture.deploy()
            let body = #"{"orders": [{"id": 1}, {"id": 2}]}"#
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .accepted)
                    #expect(response.json == ["run": 1, "status": "queued"])
                }
            }
            let run = try #require(try await fixture.store.run(id: 1))
            #expect(run.status == .queued)
            #expect(run.trigger == .webhook)
            #expect(run.flowVersion == flow.version)
            let payload = try #require(try await fixture.store.payload(of: .input(of: 1), index: 0))
            #expect(payload.bytes() == Array(body.utf8), "the body is stored byte for byte")
            #expect(payload.contentType == "application/json")
        }
    }

    @Test func aNonJSONBodyKeepsItsContentType() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            let csv = "sku,qty\nA-1,3\n"
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: csv))
                #expect(response.status == .accepted)
            }
            let payload = try #require(try await fixture.store.payload(of: .input(of: 1), index: 0))
            #expect(payload.contentType == "text/csv")
            #expect(payload.bytes() == Array(csv.utf8))
        }
    }

    @Test func everyWrongPartOfTheAddressGetsTheSame404() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            try await fixture.deploy(id: "manual-only", webhook: "manual")
            try await fixture.deploy(id: "switched-off")
            try await fixture.store.setEnabled(flowID: "switched-off", enabled: false)
            let addresses = [
                "/webhooks/orders-in/tok-3f9a8b7c6d5e4f3a2b1d",  // last character wrong
                "/webhooks/orders-in/tok",  // a prefix
                "/webhooks/orders-in/\(WebhookFixture.token)x",  // longer
                "/webhooks/no-such-flow/\(WebhookFixture.token)",
                "/webhooks/manual-only/\(WebhookFixture.token)",
                "/webhooks/switched-off/\(WebhookFixture.token)",
            ]
            try await fixture.application().test(.router) { client in
                var bodies: Set<String> = []
                for address in addresses {
                    let response = try await client.execute(uri: address, method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{}"))
                    #expect(response.status == .notFound, "\(address)")
                    #expect(response.errorCode == "not_found")
                    bodies.insert(String(buffer: response.body))
                }
                #expect(bodies.count == 1, "the answer must not reveal which part was wrong: \(bodies)")
                #expect(bodies.allSatisfy { !$0.contains(WebhookFixture.token) })
            }
            #expect(try await fixture.runs().isEmpty)
        }
    }

    @Test func theLatestVersionsTokenAndVersionAreUsed() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            try await fixture.deploy(webhook: "{ webhook: { token: second-token-0123456789 } }")
            try await fixture.application().test(.router) { client in
                let old = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{}"))
                #expect(old.status == .notFound)
                let new = try await client.execute(
                    uri: "/webhooks/orders-in/second-token-0123456789", method: .post, headers: jsonHeaders,
                    body: ByteBuffer(string: "{}"))
                #expect(new.status == .accepted)
            }
            #expect(try await fixture.runs().map(\.flowVersion) == [2])
        }
    }

    @Test func invalidJSONIsRefusedWithLineAndColumn() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: path, method: .post, headers: jsonHeaders,
                    body: ByteBuffer(string: "{\n  \"orders\": [1, 2,]\n}"))
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_body")
                let message = try #require(response.json["error"]?["message"]?.stringValue)
                #expect(message.contains("line 2, column 19"), "\(message)")
            }
            #expect(try await fixture.runs().isEmpty)
        }
    }

    @Test func bodiesOverTheFlowsLimitGet413AndAtTheLimitPass() async throws {
        try await withFixture { fixture in
            try await fixture.deploy(webhook: "{ webhook: { token: \(WebhookFixture.token), max_body_bytes: 100 } }")
            let exactly = "\"" + String(repeating: "a", count: 98) + "\""
            try await fixture.application(maximumWebhookBytes: 10_000).test(.router) { client in
                let over = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: exactly + " "))
                #expect(over.status == .contentTooLarge)
                #expect(over.errorCode == "body_too_large")
                var declared = jsonHeaders
                declared[.contentLength] = "101"
                let declaredOver = try await client.execute(uri: path, method: .post, headers: declared, body: ByteBuffer(string: exactly + " "))
                #expect(declaredOver.status == .contentTooLarge)
                let atLimit = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: exactly))
                #expect(atLimit.status == .accepted)
            }
            #expect(try await fixture.runs().count == 1)
        }
    }

    @Test func withoutAFlowLimitTheServerLimitApplies() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            try await fixture.application(maximumWebhookBytes: 10).test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: "[1,2,3,4,5,6]"))
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("10 bytes"))
            }
        }
    }

    @Test func signedWebhooksNeedAMatchingSignature() async throws {
        try await withFixture { fixture in
            try await fixture.deploy(webhook: "{ webhook: { token: \(WebhookFixture.token), hmac_secret_env: ORDERS_HMAC } }")
            let body = #"{"orders": []}"#
            let good = "sha256=" + hmacHex(body, secret: WebhookFixture.secret)
            try await fixture.application().test(.router) { client in
                let unsigned = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: body))
                #expect(unsigned.status == .unauthorized)
                #expect(unsigned.errorCode == "invalid_signature")
                let wrongSecret = "sha256=" + hmacHex(body, secret: "another secret")
                let forged = try await client.execute(uri: path, method: .post, headers: signatureHeaders(wrongSecret), body: ByteBuffer(string: body))
                #expect(forged.status == .unauthorized)
                let tampered = try await client.execute(
                    uri: path, method: .post, headers: signatureHeaders(good),
                    body: ByteBuffer(string: body + " "))
                #expect(tampered.status == .unauthorized)
                let malformed = try await client.execute(uri: path, method: .post, headers: signatureHeaders("md5=abc"), body: ByteBuffer(string: body))
                #expect(malformed.status == .unauthorized)
                for response in [unsigned, forged, tampered, malformed] {
                    #expect(!String(buffer: response.body).contains(WebhookFixture.secret))
                }
                let signed = try await client.execute(
                    uri: path, method: .post, headers: signatureHeaders(good.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256=")),
                    body: ByteBuffer(string: body))
                #expect(signed.status == .accepted, "hex digits may be upper case")
            }
            #expect(try await fixture.runs().count == 1)
        }
    }

    @Test func aMissingSecretVariableIsAServerErrorThatNamesNoSecret() async throws {
        try await withFixture { fixture in
            try await fixture.deploy(webhook: "{ webhook: { token: \(WebhookFixture.token), hmac_secret_env: UNSET_VARIABLE } }")
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: signatureHeaders("sha256=00"), body: ByteBuffer(string: "{}"))
                #expect(response.status == .internalServerError)
                #expect(response.errorCode == "misconfigured")
            }
            #expect(try await fixture.runs().isEmpty)
        }
    }

    @Test func healthAnswersWhileTheStoreIsReachable() async throws {
        try await withFixture { fixture in
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .ok)
                #expect(response.json == ["status": "ok"])
                // Other paths are for signed-in people only (AccessTests shows the 404 they get for unknown routes).
                let unknown = try await client.execute(uri: "/no/such/route", method: .get)
                #expect(unknown.status == .seeOther)
            }
        }
    }

    @Test func readinessNeedsTheStoreAndEveryMigration() async throws {
        try await withFixture(sqlite: true) { fixture in
            try await fixture.application().test(.router) { client in
                let ready = try await client.execute(uri: "/health/ready", method: .get)
                #expect(ready.status == .ok)
                #expect(ready.json == ["status": "ready", "store": "reachable", "migrations": "current"])
            }
            // Another process's view of the same file: the last migration undone, one from a newer Skein added.
            let other = try DatabaseQueue(path: try #require(fixture.databasePath))
            let last = try await other.read { db in try String.fetchOne(db, sql: "SELECT max(identifier) FROM grdb_migrations") }!
            try await other.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_a_newer_skein')")
            }
            try await fixture.application().test(.router) { client in
                let newer = try await client.execute(uri: "/health/ready", method: .get)
                #expect(newer.status == .ok, "a schema a newer Skein extended still serves this one (rolling upgrades)")
                #expect(newer.json["newer_migrations"] == ["9999_from_a_newer_skein"])
            }
            try await other.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
            try await fixture.application().test(.router) { client in
                let pending = try await client.execute(uri: "/health/ready", method: .get)
                #expect(pending.status == .serviceUnavailable)
                #expect(pending.json["status"] == "not_ready" && pending.json["migrations"] == "pending")
                #expect(pending.json["pending_migrations"] == .array([.string(last)]))
                let live = try await client.execute(uri: "/health", method: .get)
                #expect(live.status == .ok, "liveness does not depend on migrations")
            }
        }
    }

    /// A PostgreSQL store whose server is down: its pool keeps a call waiting for about a minute
    /// while it retries connecting (68 s measured), and the probes must not wait with it. They
    /// give up after 5 s each; the time limit (a hang-catcher, not a timing goal) fails the test
    /// if they waited for the pool instead (2 × 68 s).
    @Test(.timeLimit(.minutes(1))) func healthProbesAnswerPromptlyWhileTheDatabaseIsDown() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let store = PostgresStore(try PostgresAddress(url: "postgres://skein:pw-123456@127.0.0.1:\(closed.port)/skein"))
        defer { store.close() }
        let app = Application(router: WebServer.router(store: store, settings: WebSettings(), logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json == ["status": "not_ready", "store": "unreachable"])
            let live = try await client.execute(uri: "/health", method: .get)
            #expect(live.status == .serviceUnavailable && live.errorCode == "unavailable")
        }
    }

    @Test func theLiveServerAcceptsWebhooks() async throws {
        try await withFixture { fixture in
            try await fixture.deploy()
            try await fixture.application().test(.live) { client in
                let response = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: ByteBuffer(string: #"{"orders":[]}"#))
                #expect(response.status == .accepted)
                let tooBig = try await client.execute(
                    uri: path, method: .post, headers: jsonHeaders,
                    body: ByteBuffer(string: "[" + String(repeating: "1,", count: 2000) + "1]"))
                #expect(tooBig.status == .contentTooLarge)
            }
            #expect(try await fixture.runs().count == 1)
        }
    }
}
