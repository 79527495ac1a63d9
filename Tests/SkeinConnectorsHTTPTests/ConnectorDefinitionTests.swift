import SkeinCore
import SkeinJSON
import Testing

@testable import SkeinConnectorsHTTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite("Connector definitions, GraphQL and system throttles")
struct ConnectorDefinitionTests {
    @Test func theShippedDefinitionsLoadWithTheCommonEndpoints() throws {
        let catalog = ConnectorCatalog.builtIn
        #expect(catalog.errors.map(\.description) == [])
        #expect(catalog.names == ["bigcommerce", "magento", "shopify", "woocommerce"])
        for name in catalog.names {
            let definition = try #require(catalog.definition(name))
            let endpoints = Set(definition.endpoints.map(\.name))
            #expect(endpoints.isSuperset(of: ["orders.updated_since", "orders.get", "products.list", "inventory.levels", "customers.list"]), "\(name)")
            #expect(definition.endpoints.contains { $0.direction == "send" }, "\(name) has a write")
            #expect(!definition.documentation.version.isEmpty)
        }
    }

    /// docs/connectors.md lists the shipped connectors from their definitions; this fails when a
    /// definition changed and the page was not regenerated (`skein connector reference`).
    @Test func docsConnectorsMatchesTheDefinitions() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/connectors.md"), encoding: .utf8)
        let start = try #require(page.range(of: ConnectorReference.startMarker))
        let end = try #require(page.range(of: ConnectorReference.endMarker))
        let generated = page[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            generated == ConnectorReference.markdown(.builtIn).trimmingCharacters(in: .whitespacesAndNewlines),
            "docs/connectors.md is stale: replace its generated part with the output of `skein connector reference`")
    }

    @Test func aBrokenDefinitionSaysWhatAndWhere() {
        let text = """
            connector: acme
            title: ACME
            documentation: { url: https://acme.example/api, version: "1" }
            settings: { host: { required: true, help: Host. } }
            address: "https://{{hots}}/api"
            auth: { type: bearer, credentials: { token: secret } }
            endpoints:
              orders:
                help: Orders.
                path: /orders
              stock.list:
                help: Stock.
                path: /stock
                pagination: { type: page, total_count_path: total }
              stock.get:
                help: Stock of one warehouse.
                path: /stock/{{params.warehouse}}
                params:
                  warehouse: { type: string, help: A warehouse. }
                  unused: { type: integer, help: Never used. }
            """
        var catalog = ConnectorCatalog()
        catalog.add(text: text, source: "acme.yaml")
        let problems = catalog.errors.first?.problems ?? []
        #expect(problems.contains("address: uses {{hots}}, which is not one of the connector's settings"))
        #expect(problems.contains("auth.credentials.token: must name one of the connector's credentials ()"))
        #expect(problems.contains("endpoints.orders: name endpoints resource.action, such as orders.updated_since"))
        #expect(problems.contains("endpoints.stock.list.pagination.total_count_path: needs size_param, the query parameter that sets the page size"))
        #expect(problems.contains("endpoints.stock.get.params.unused: is declared but the request never uses {{params.unused}}"))
        #expect(problems.contains("endpoints.stock.get.params.warehouse: is used in the path, so it must be required or have a default"))
    }

    @Test func parametersConvertToTheirTypes() throws {
        let since = ParameterDefinition(name: "since", kind: .datetime, required: true, format: .iso8601, help: "")
        #expect(try since.convert("2026-03-01T11:00:00+01:00").get() == "2026-03-01T10:00:00Z")
        #expect(try since.convert("2026-03-01").get() == "2026-03-01T00:00:00Z")
        #expect(try since.convert("2026-02-28T23:30:00.250-02:00").get() == "2026-03-01T01:30:00Z")
        var sql = since
        sql.format = .sql
        #expect(try sql.convert("2026-03-01T12:00:00+02:00").get() == "2026-03-01 10:00:00")
        #expect((try? since.convert("yesterday").get()) == nil)
        #expect((try? since.convert("2026-13-01").get()) == nil)
        let size = ParameterDefinition(name: "page_size", kind: .integer, required: false, minimum: 1, maximum: 250, format: .iso8601, help: "")
        #expect(try size.convert("50").get() == 50)
        #expect(try size.convert(.number(250)).get() == 250)
        if case .failure(let problem) = size.convert(.number(900)) { #expect(problem.message == "900 is more than 250") } else { Issue.record("900 accepted") }
        if case .failure(let problem) = size.convert("2.5") {
            #expect(problem.message == "expected a whole number, found \"2.5\"")
        } else {
            Issue.record("2.5 accepted")
        }
    }

    @Test func graphQLVariablesKeepTheirTypesAndOptionalOnesAreLeftOut() throws {
        let template = JSONTemplate(value: [
            "first": "{{params.page_size}}", "query": "updated_at:>='{{params.since}}'",
            "input": "{{payload}}", "note": "order {{payload.name}}",
        ])
        var scope = VariableScope(instance: [:], flow: [:], payload: ["name": "#1001", "lines": [1, 2]])
        scope.params = ["page_size": 25]
        #expect(
            try template.render(scope, setting: "graphql.variables")
                == ["first": 25, "input": ["name": "#1001", "lines": [1, 2]], "note": "order #1001"])
        scope.params["since"] = "2026-03-01T00:00:00Z"
        #expect(try template.render(scope, setting: "graphql.variables")["query"] == "updated_at:>='2026-03-01T00:00:00Z'")
        #expect(throws: ShapeFailure.self) { try JSONTemplate(value: ["x": "{{nowhere}}"]).render(scope, setting: "graphql.variables") }
    }

    @Test func graphQLErrorsAndUserErrors() throws {
        let throttled: JSON = ["errors": [["message": "Throttled", "extensions": ["code": "THROTTLED"]]]]
        let reading = try #require(GraphQLReply.errors(in: throttled))
        #expect(reading.transient && reading.throttled && reading.message == "GraphQL error: Throttled (THROTTLED)")
        let broken: JSON = ["errors": [["message": "Field 'ordrs' doesn't exist on type 'QueryRoot'", "path": ["query", "ordrs"]]]]
        #expect(GraphQLReply.errors(in: broken)?.transient == false)
        #expect(GraphQLReply.errors(in: broken)?.message == "GraphQL error: query.ordrs: Field 'ordrs' doesn't exist on type 'QueryRoot'")
        #expect(GraphQLReply.errors(in: ["data": ["orders": []], "errors": []]) == nil)
        let refused: JSON = ["data": ["fulfillmentCreate": ["userErrors": [["field": ["fulfillment", "trackingInfo"], "message": "is invalid"]]]]]
        #expect(
            GraphQLReply.userErrors(in: refused, at: try FieldPath("data.fulfillmentCreate.userErrors"))
                == "the system refused it: fulfillment.trackingInfo: is invalid")
    }

    @Test func pageCountsFromHeadersBodiesAndSizes() throws {
        func walk(_ pagination: Pagination, pages: [(document: JSON, headers: [String: String])]) -> [String] {
            var paginator = Paginator(pagination: pagination, itemsPath: nil, baseURL: "https://x/items?limit=2")
            var url = paginator.firstURL()
            var urls = [url]
            for page in pages {
                let headers = page.headers
                switch paginator.step(after: .init(url: url, linkHeaders: [], document: page.document, header: { headers[$0] })) {
                case .next(let next): url = next; urls.append(next)
                default: return urls
                }
            }
            return urls
        }
        let header = Pagination.page(param: "page", start: 1, total: .pagesHeader("X-WP-TotalPages"))
        #expect(walk(header, pages: [([1, 2], ["X-WP-TotalPages": "2"]), ([3], ["X-WP-TotalPages": "2"])]).count == 2)
        let count = Pagination.page(param: "p", start: 1, sizeParam: "limit", total: .countPath(try FieldPath("total")))
        #expect(
            walk(count, pages: [(["items": [1, 2], "total": 4], [:]), (["items": [3, 4], "total": 4], [:]), (["items": [3, 4], "total": 4], [:])])
                == ["https://x/items?limit=2&p=1", "https://x/items?limit=2&p=2"])
        let short = Pagination.page(param: "page", start: 1, sizeParam: "limit")
        #expect(walk(short, pages: [([1, 2], [:]), ([3], [:]), ([4], [:])]).count == 2)
        #expect(walk(short, pages: [([1, 2], [:]), (.null, [:])]).count == 2)  // 204 No Content ends it
        var cursor = Paginator(
            pagination: .graphqlCursor(pageInfoPath: try FieldPath("data.orders.pageInfo"), variable: "after"),
            itemsPath: nil, baseURL: "https://x/graphql.json")
        let more: JSON = ["data": ["orders": ["pageInfo": ["hasNextPage": true, "endCursor": "abc"]]]]
        #expect(cursor.step(after: .init(url: "u", linkHeaders: [], document: more)) == .nextCursor(variable: "after", cursor: "abc"))
        let done: JSON = ["data": ["orders": ["pageInfo": ["hasNextPage": false, "endCursor": "def"]]]]
        #expect(cursor.step(after: .init(url: "u", linkHeaders: [], document: done)) == .last)
    }

    @Test func aCostBucketMakesTheNextQueryWaitForItsPoints() async throws {
        let throttles = Throttles()
        let clock = ContinuousClock()
        #expect(await throttles.reserve(query: "q", instance: "shop") <= clock.now)  // nothing known yet
        await throttles.observe(QueryCost(requested: 200, maximum: 220, available: 20, restoreRate: 100), query: "q", instance: "shop")
        let start = await throttles.reserve(query: "q", instance: "shop")
        let wait = start - clock.now
        #expect(wait > .milliseconds(1700) && wait <= .milliseconds(1850))  // 180 points missing at 100 a second, and a margin
        let next = await throttles.reserve(query: "q", instance: "shop")
        #expect(next - start >= .milliseconds(1990))  // the second query queues behind the first
        #expect(await throttles.reserve(query: "q", instance: "other") <= clock.now)  // per instance
        // A query not seen yet waits for a full bucket.
        await throttles.observe(QueryCost(requested: 10, maximum: 100, available: 50, restoreRate: 100), query: "a", instance: "b")
        #expect(await throttles.reserve(query: "new", instance: "b") - clock.now > .milliseconds(400))
    }

    @Test func aRequestQuotaWaitsForTheReset() async throws {
        let throttles = Throttles()
        let clock = ContinuousClock()
        await throttles.observe(remaining: 1, resetIn: .milliseconds(800), instance: "bc")
        #expect(await throttles.reserveRequest(instance: "bc") <= clock.now)
        let start = await throttles.reserveRequest(instance: "bc")
        #expect(start - clock.now > .milliseconds(600))
    }

    @Test func aConnectorInstanceBecomesAPlainHTTPInstance() throws {
        let definition = try #require(ConnectorCatalog.builtIn.definition("shopify"))
        let stored = Instance(
            name: "shop", connectorType: "http", address: "", settings: ["connector": "shopify", "shop": "acme"],
            credentials: ["access_token": "shpat_1"])
        let (plain, found) = try ConnectorCatalog.builtIn.resolve(stored)
        #expect(found?.name == "shopify")
        #expect(plain.address == "https://acme.myshopify.com")
        #expect(plain.credentials["api_key"] == "shpat_1")
        #expect(plain.variables == ["shop": "acme", "api_version": definition.settings.first { $0.name == "api_version" }?.defaultValue ?? ""])
        let settings = try HTTPInstanceSettings.read(plain)
        #expect(settings.auth == .apiKey(.header("X-Shopify-Access-Token")))
        #expect(settings.retryThrottled == 5)
        #expect(
            definition.instanceProblems(settings: ["shop": "acme"], credentials: []) == [
                "credential 'access_token' is required: The custom app's Admin API access token (shpat_...), sent as X-Shopify-Access-Token."
            ])
    }
}
