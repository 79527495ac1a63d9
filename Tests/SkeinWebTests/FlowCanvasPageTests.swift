import Foundation
import Hummingbird
import HummingbirdTesting
import SkeinCore
import SkeinJSON
import SkeinStorage
import Testing

@testable import SkeinWeb

/// The canvas on the flow page: the whole tree (route, branch and try lanes, nested), and with
/// `?run=N` each shape's status and payload counts in that run.
@Suite struct FlowCanvasPageTests {
    static let tree = """
        id: tree
        name: A tree
        shapes:
          - id: seed
            payload: { json: { orders: [ { id: 1, country: GB } ] } }
          - id: by-country
            route:
              branches:
                - name: uk
                  condition: country = "GB"
                  shapes:
                    - id: guard
                      try:
                        shapes:
                          - { id: uk-map, map: { fields: { number: id } } }
                        catch:
                          - { id: note, split: { path: orders } }
              otherwise:
                - { id: rest, skip: true, map: { fields: { number: id } } }
        """

    @Test func theWholeTreeIsDrawnWithLanesSideBySideAndNested() async throws {
        try await withUIFixture { fixture in
            _ = try await fixture.store.deploy(try FlowFile.decode(Self.tree), source: Self.tree, now: Date())
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let page = try await client.execute(uri: "/flows/tree", method: .get)
                #expect(page.status == .ok)
                for lane in ["shapes", "by-country/uk", "by-country/otherwise", "guard/try", "guard/catch"] {
                    #expect(page.text.contains("data-lane=\"\(lane)\""), "lane \(lane)")
                }
                for shape in ["seed", "by-country", "guard", "uk-map", "note", "rest"] {
                    #expect(page.text.contains("data-shape=\"\(shape)\""), "shape \(shape)")
                }
                #expect(page.text.contains("uk: country = &quot;GB&quot;"), "a route lane shows its condition")
                #expect(page.text.contains("class=\"canvas-node skipped\" id=\"canvas-rest\""), "the skipped shape is marked")
                #expect(!page.text.contains("canvas-run"), "no run chosen, no statuses")
            }
        }
    }

    @Test func aRunsStatusAndCountsAreShownPerShape() async throws {
        try await withUIFixture { fixture in
            try await fixture.failedRun()
            try await fixture.application(as: UIFixture.identity(.viewer)).test(.router) { client in
                let page = try await client.execute(uri: "/flows/orders-to-erp?run=1", method: .get)
                #expect(page.status == .ok)
                #expect(page.text.contains("id=\"canvas-run\""))
                #expect(page.text.contains("class=\"canvas-node ran-failure\" id=\"canvas-check\""))
                #expect(page.text.contains("class=\"canvas-node ran-success\" id=\"canvas-each\""))
                #expect(page.text.contains("title=\"payloads in → out\">1 → 2</span>"), "the split took one payload and made two")
                #expect(page.text.contains("title=\"payloads in → out\">2 → 0</span>"), "the filter failed on two")
                let elsewhere = try await client.execute(uri: "/flows/orders-to-erp?run=99", method: .get)
                #expect(elsewhere.status == .notFound)
                let run = try await client.execute(uri: "/runs/1", method: .get)
                #expect(run.text.contains("href=\"/flows/orders-to-erp?run=1\""), "the run page links to the canvas")
            }
        }
    }
}
