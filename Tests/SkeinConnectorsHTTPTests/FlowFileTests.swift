import SkeinConnectorsHTTP
import SkeinCore
import SkeinJSON
import Testing

@Suite("The http shape in a flow file")
struct FlowFileTests {
    var catalog: ShapeCatalog {
        var catalog = ShapeCatalog()
        catalog.register(makeShape())
        return catalog
    }

    @Test func aFlowWithAnHTTPReceiveIsReadAndItsStepRuns() async throws {
        let text = """
            id: orders-sync
            trigger: api
            shapes:
              - id: fetch-orders
                http:
                  instance: shop
                  direction: receive
                  path: /pages/{{kind}}
                  headers: { Accept: application/json }
                  pagination: { type: page, param: page, start: 1 }
                  items_path: orders
                  max_pages: 10
                  timeout: 60s
                retry: { attempts: 3, backoff: 1s }
            """
        let flow = try FlowFile.decode(text, source: "orders.yaml", catalog: catalog)
        #expect(flow.shapes.map(\.type) == ["http"])
        try await TestServer.with { base, _ in
            let executor = try prepare(makeShape(), flow.shapes[0].settings)
            let instance = httpInstance(address: base, variables: ["kind": "page"])
            let result = try await executor.execute([], context: context(instance))
            #expect(result.outputs.count == 3)
        }
    }

    @Test func badSettingsAreReportedWithTheirPathInTheFlow() {
        let text = """
            id: orders-sync
            trigger: api
            shapes:
              - id: fetch-orders
                http:
                  instance: shop
                  direction: receive
                  pagination: { type: pages }
                  max_page: 10
            """
        do {
            _ = try FlowFile.decode(text, source: "orders.yaml", catalog: catalog)
            Issue.record("expected the flow to be rejected")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("shapes[0].http.pagination.type: 'pages' is not one of page, offset, cursor, link_header, next_url, graphql_cursor"))
            #expect(lines.contains("shapes[0].http.max_page: unknown field 'max_page'"))
        }
    }
}
