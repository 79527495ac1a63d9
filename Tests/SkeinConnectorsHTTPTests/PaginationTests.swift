import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("Pagination against a live server")
struct PaginationTests {
    func receive(_ path: String, _ pagination: JSON, extra: JSON.Object = [:]) -> JSON {
        var settings: JSON.Object = ["instance": "shop", "direction": "receive", "path": .string(path), "pagination": pagination]
        settings.merge(extra) { $1 }
        return .object(settings)
    }

    func pages(_ settings: JSON, base: String) async throws -> ShapeResult {
        try await prepare(makeShape(), settings).execute([], context: context(httpInstance(address: base)))
    }

    @Test func pageNumbersUntilAnEmptyPage() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/page", ["type": "page"], extra: ["items_path": "orders"]), base: base)
            #expect(result.outputs.map { $0.jsonValue?["page"] } == [1, 2, 3])
            #expect(result.warnings.isEmpty)
        }
    }

    @Test func pageNumbersStopAtMaxPages() async throws {
        try await TestServer.with { base, _ in
            let settings = receive("/pages/endless", ["type": "page", "param": "page", "start": 1], extra: ["items_path": "orders", "max_pages": 4])
            let result = try await pages(settings, base: base)
            #expect(result.outputs.map(\.jsonValue) == [["orders": [1]], ["orders": [2]], ["orders": [3]], ["orders": [4]]])
            #expect(result.warnings == ["stopped after max_pages (4) pages; the system has more"])
        }
    }

    @Test func offsetAndLimitUntilAShortPage() async throws {
        try await TestServer.with { base, _ in
            let settings = receive(
                "/pages/offset", ["type": "offset", "offset_param": "offset", "limit_param": "limit", "limit": 3],
                extra: ["items_path": "items"])
            let result = try await pages(settings, base: base)
            #expect(result.outputs.map(\.jsonValue) == [["items": [0, 1, 2]], ["items": [3, 4, 5]], ["items": [6]]])
        }
    }

    @Test func offsetStopsAtMaxPages() async throws {
        try await TestServer.with { base, _ in
            let settings = receive("/pages/offset", ["type": "offset", "limit": 2], extra: ["items_path": "items", "max_pages": 2])
            let result = try await pages(settings, base: base)
            #expect(result.outputs.count == 2)
            #expect(result.warnings.count == 1)
        }
    }

    @Test func cursorUntilNoCursor() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/cursor", ["type": "cursor", "cursor_path": "meta.next_cursor", "param": "cursor"]), base: base)
            #expect(result.outputs.map { $0.jsonValue?["data"] } == [["a"], ["b"], ["c"]])
        }
    }

    @Test func cursorStopsAtMaxPages() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/cursor", ["type": "cursor", "cursor_path": "meta.next_cursor"], extra: ["max_pages": 2]), base: base)
            #expect(result.outputs.count == 2)
            #expect(result.warnings == ["stopped after max_pages (2) pages; the system has more"])
        }
    }

    @Test func linkHeaderUntilNoNextLink() async throws {
        try await TestServer.with { base, _ in
            let recorder = CallRecorder()
            let executor = try prepare(makeShape(), receive("/pages/link", ["type": "link_header"]))
            let result = try await executor.execute([], context: context(httpInstance(address: base), recorder: recorder))
            #expect(result.outputs.map(\.jsonValue) == [[1], [2], [3]])
            #expect(
                recorder.calls.map { $0["url"] } == [.string(base + "/pages/link"), .string(base + "/pages/link?page=2"), .string(base + "/pages/link?page=3")])
        }
    }

    @Test func linkHeaderStopsAtMaxPages() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/link", ["type": "link_header"], extra: ["max_pages": 1]), base: base)
            #expect(result.outputs.count == 1)
            #expect(result.warnings.count == 1)
        }
    }

    @Test func nextURLInTheBody() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/next", ["type": "next_url", "path": "links.next"]), base: base)
            #expect(result.outputs.map { $0.jsonValue?["data"] } == [[1], [2], [3]])
        }
    }

    @Test func nextURLStopsAtMaxPages() async throws {
        try await TestServer.with { base, _ in
            let result = try await pages(receive("/pages/next", ["type": "next_url", "path": "links.next"], extra: ["max_pages": 2]), base: base)
            #expect(result.outputs.count == 2)
            #expect(result.warnings.count == 1)
        }
    }

    @Test func aNextPageOnAnotherHostIsNotFollowedWithCredentials() async throws {
        try await TestServer.with { base, _ in
            let failure = try await failure(
                of: prepare(makeShape(), receive("/pages/elsewhere", ["type": "next_url", "path": "links.next"])),
                instance: httpInstance(address: base))
            #expect(!failure.isTransient)
            #expect(failure.message.contains("the next page is at http://198.51.100.7/steal, outside the instance address"))
        }
    }

    @Test func pathAndQueryTemplatesUseInstanceThenFlowVariables() async throws {
        try await TestServer.with { base, _ in
            let settings: JSON = [
                "instance": "shop", "direction": "receive", "path": "/pages/{{kind}}?note={{note}}",
                "query": ["page": "{{first}}"],
            ]
            let recorder = CallRecorder()
            let instance = httpInstance(address: base, variables: ["kind": "page", "first": "2"])
            let result = try await prepare(makeShape(), settings).execute(
                [], context: context(instance, variables: ["kind": "ignored", "note": "a&b c"], recorder: recorder))
            #expect(result.outputs.first?.jsonValue?["page"] == 2)
            #expect(recorder.calls.first?["url"] == .string(base + "/pages/page?note=a%26b%20c&page=2"))
        }
    }
}
