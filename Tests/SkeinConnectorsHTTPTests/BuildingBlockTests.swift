import SkeinCore
import SkeinJSON
import Testing

@testable import SkeinConnectorsHTTP

@Suite("The connector's pure building blocks")
struct BuildingBlockTests {
    @Test func joiningAndQueries() {
        #expect(URLText.join("https://shop.example/api", "/orders") == "https://shop.example/api/orders")
        #expect(URLText.join("https://shop.example/api/", "orders") == "https://shop.example/api/orders")
        #expect(URLText.join("https://shop.example/api", "") == "https://shop.example/api")
        #expect(URLText.settingQuery("https://x/o?a=1&page=1", "page", "2") == "https://x/o?a=1&page=2")
        #expect(URLText.settingQuery("https://x/o#top", "q", "a b&c") == "https://x/o?q=a%20b%26c#top")
        #expect(URLText.queryItems("https://x/o?a=1&b=x%20y").map { "\($0.name)=\($0.value)" } == ["a=1", "b=x y"])
    }

    @Test func originsAndRelativeLinks() {
        #expect(URLText.origin("https://user:pw@Shop.Example/api") == "https://shop.example:443")
        #expect(URLText.origin("http://127.0.0.1:8081/x") == "http://127.0.0.1:8081")
        #expect(URLText.origin("/relative") == nil)
        let current = "https://api.example/v1/orders?page=1"
        #expect(URLText.resolve("https://other.example/x", against: current) == "https://other.example/x")
        #expect(URLText.resolve("/v1/orders?page=2", against: current) == "https://api.example/v1/orders?page=2")
        #expect(URLText.resolve("?page=2", against: current) == "https://api.example/v1/orders?page=2")
        #expect(URLText.resolve("orders?page=2", against: current) == "https://api.example/v1/orders?page=2")
        #expect(URLText.resolve("//cdn.example/x", against: current) == "https://cdn.example/x")
    }

    @Test func displayedURLsHideSecrets() {
        #expect(
            URLText.display("https://bob:hunter2@x.example/a?api_key=k&b=1", secretQueryNames: ["api_key"])
                == "https://[redacted]@x.example/a?api_key=[redacted]&b=1")
    }

    @Test func retryAfterInSecondsAndAsADate() {
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse(" 0 ") == .zero)
        #expect(RetryAfter.parse("soon") == nil)
        // 2015-10-21 07:28:00 GMT is 1445412480.
        #expect(HTTPDate.parse("Wed, 21 Oct 2015 07:28:00 GMT") == 1_445_412_480)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: 1_445_412_480) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now: 1_445_412_480) == .zero)
    }

    @Test func linkHeaders() {
        #expect(LinkHeader.next(in: [#"<https://x/o?page=3>; rel="last", <https://x/o?page=2>; rel="next""#]) == "https://x/o?page=2")
        #expect(LinkHeader.next(in: [#"<https://x/o?a=1,2>; rel="prev next""#]) == "https://x/o?a=1,2")
        #expect(LinkHeader.next(in: [#"<https://x/o?page=1>; rel="prev""#]) == nil)
    }

    @Test func templates() throws {
        let template = try Template("/shops/{{ shop }}/orders?since={{since}}")
        #expect(template.variableNames == ["shop", "since"])
        let rendered = try template.render(escaping: { URLText.percentEncode($0, keeping: URLText.pathSafe) }) {
            ["shop": "eu/1", "since": "2026-01-01T00:00:00+01:00"][$0]
        }
        #expect(rendered == "/shops/eu/1/orders?since=2026-01-01T00:00:00%2B01:00")
        #expect(throws: Template.SyntaxError.self) { try Template("/a/{{b") }
        #expect(throws: Template.SyntaxError.self) { try Template("/a/{{b c}}") }
        #expect(throws: Template.MissingVariable(name: "x")) { try Template("{{x}}").render { _ in nil } }
    }

    @Test func pagesEndOnEmptyItemsOrShortPages() throws {
        var pages = Paginator(pagination: .offset(offsetParam: "o", limitParam: "l", limit: 2), itemsPath: try FieldPath("items"), baseURL: "http://x/a")
        #expect(pages.firstURL() == "http://x/a?o=0&l=2")
        let page = { (items: JSON) in Paginator.Page(url: "", linkHeaders: [], document: ["items": items]) }
        #expect(pages.step(after: page([1, 2])) == .next("http://x/a?o=2&l=2"))
        #expect(pages.step(after: page([3])) == .last)
        #expect(pages.step(after: page([])) == .empty)

        var cursor = Paginator(pagination: .cursor(path: try FieldPath("next"), param: "c"), itemsPath: nil, baseURL: "http://x/a")
        #expect(cursor.step(after: .init(url: "", linkHeaders: [], document: ["next": "abc"])) == .next("http://x/a?c=abc"))
        #expect(cursor.step(after: .init(url: "", linkHeaders: [], document: ["next": "abc"])) == .last)  // a repeated cursor
        #expect(cursor.step(after: .init(url: "", linkHeaders: [], document: ["next": .null])) == .last)
    }

    @Test func redactorCoversNamesValuesAndDerivedSecrets() {
        let instance = Instance(
            name: "shop", connectorType: "http", address: "http://x",
            credentials: ["username": "bob", "password": "hunter2-long"])
        var redactor = Redactor(instance: instance, auth: .basic)
        redactor.addSecret("access-token-123")
        let basic = Base64.encode(Array("bob:hunter2-long".utf8))
        #expect(redactor.text("pw hunter2-long, basic \(basic), token access-token-123") == "pw [redacted], basic [redacted], token [redacted]")
        #expect(
            redactor.headers([("Authorization", "Basic x"), ("Set-Cookie", "a=1"), ("Accept", "*/*")])
                == ["Authorization": "[redacted]", "Set-Cookie": "[redacted]", "Accept": "*/*"])
        let long = Array(repeating: UInt8(ascii: "a"), count: 70_000)
        let body = redactor.body(long)
        #expect(body.hasSuffix("… [truncated: 70000 bytes in all]"))
        #expect(body.utf8.count < 66_000)
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu" && Base64.encode(Array("Ma".utf8)) == "TWE=" && Base64.encode(Array("M".utf8)) == "TQ==")
    }

    @Test func rateLimiterSpacesReservationsInASlidingWindow() async {
        // A clock that stands still, so the slots granted do not depend on how fast this test runs.
        let now = ContinuousClock.now
        let limiters = RateLimiters(now: { now })
        let limit = RateLimit(requests: 2, per: .seconds(1))
        let first = await limiters.reserve(for: "a", limit: limit)
        let second = await limiters.reserve(for: "a", limit: limit)
        let third = await limiters.reserve(for: "a", limit: limit)
        let fourth = await limiters.reserve(for: "a", limit: limit)
        let fifth = await limiters.reserve(for: "a", limit: limit)
        let other = await limiters.reserve(for: "b", limit: limit)
        // Free slots are granted now; each further one waits until the request two before it is a window old.
        #expect([first, second] == [now, now])
        #expect([third, fourth, fifth] == [now + .seconds(1), now + .seconds(1), now + .seconds(2)])
        #expect(other == now, "another instance has a window of its own")
    }

    @Test func tokenMargin() {
        #expect(OAuthClient.margin(forLifetime: 3600) == .seconds(3570))
        #expect(OAuthClient.margin(forLifetime: 1) == .milliseconds(900))
    }
}
