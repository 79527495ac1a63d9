import Foundation
import SkeinCore
import SkeinStorage

let t0 = Date(timeIntervalSince1970: 1_795_000_000)

let ordersFlowText = """
    id: orders
    shapes:
      - id: each
        split: { path: orders }
      - id: paid
        filter: { where: [ { field: status, equals: paid } ] }
    """

enum FlowChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("deploys new versions only when the text changes") { open in
            let store = try await open()
            let flow = try FlowFile.decode(ordersFlowText)
            let first = try await store.deploy(flow, source: ordersFlowText, now: t0)
            let again = try await store.deploy(flow, source: ordersFlowText, now: t0 + 5)
            let changed = try await store.deploy(flow, source: ordersFlowText + "\n# tweak\n", now: t0 + 10)
            try expect(first.flow.version == 1 && first.isNew)
            try expect(again.flow.version == 1 && !again.isNew)
            try expectEqual(again.flow.deployedAt, t0, "an unchanged deploy keeps the first deploy time")
            try expect(changed.flow.version == 2 && changed.isNew)
            try expectEqual(try await store.flow(id: "orders", version: nil)?.version, 2)
            try expectEqual(try await store.flow(id: "orders", version: 1)?.source, ordersFlowText)
            try expectEqual(try await store.flow(id: "orders", version: 1)?.deployedAt, t0)
            try expectEqual(try await store.versions(of: "orders").map(\.version), [2, 1])
            try expectEqual(try await store.flows().map(\.flowID), ["orders"])
            try expect(try await store.flow(id: "nope", version: nil) == nil)
            try await store.setEnabled(flowID: "orders", enabled: false)
            try expectEqual(try await store.flow(id: "orders", version: nil)?.enabled, false)
            try expectEqual(try await store.deploy(flow, source: ordersFlowText, now: t0).flow.enabled, false, "a redeploy keeps the flow disabled")
            try await expectThrows(StorageError.self) { try await store.setEnabled(flowID: "nope", enabled: true) }
        },
        ConformanceCheck("keeps one draft per flow, saved over in place, apart from deployed versions") { open in
            let store = try await open()
            let other = try await open()  // a second process on the same database
            let flow = try FlowFile.decode(ordersFlowText)
            _ = try await store.deploy(flow, source: ordersFlowText, now: t0)
            try expect(try await store.draft(of: "orders") == nil)
            let text = "# work in progress\n" + ordersFlowText
            try await store.saveDraft(FlowDraft(flowID: "orders", source: text, baseVersion: 1, updatedBy: "pat", updatedAt: t0 + 1))
            try await store.saveDraft(FlowDraft(flowID: "new-flow", source: "id: new-flow\n", baseVersion: nil, updatedBy: "sam", updatedAt: t0 + 2))
            try expectEqual(
                try await other.draft(of: "orders"),
                FlowDraft(flowID: "orders", source: text, baseVersion: 1, updatedBy: "pat", updatedAt: t0 + 1))
            try expectEqual(try await other.draft(of: "new-flow")?.baseVersion, nil, "a flow never deployed has no base version")
            try expectEqual(try await store.drafts().map(\.flowID), ["new-flow", "orders"])
            try expectEqual(try await store.flow(id: "orders", version: nil)?.source, ordersFlowText, "a draft never changes what runs")
            try expectEqual(try await store.flows().map(\.flowID), ["orders"], "a draft alone is not a deployed flow")
            try await other.saveDraft(FlowDraft(flowID: "orders", source: text + "# more\n", baseVersion: 1, updatedBy: "sam", updatedAt: t0 + 3))
            let saved = try await store.draft(of: "orders")
            try expectEqual(saved?.source, text + "# more\n")
            try expectEqual(saved?.updatedBy, "sam")
            try expectEqual(saved?.updatedAt, t0 + 3)
            try expect(try await store.deleteDraft(of: "orders", ifSourceIs: text) == false, "a draft saved over since it was read stays")
            try expect(try await store.draft(of: "orders") != nil)
            try expect(try await store.deleteDraft(of: "orders", ifSourceIs: text + "# more\n"))
            try expect(try await store.draft(of: "orders") == nil)
            try expect(try await store.deleteDraft(of: "orders") == false)
            try expect(try await store.deleteDraft(of: "new-flow"))
            try expectEqual(try await store.drafts().count, 0)
        },
        ConformanceCheck("claims each schedule tick once across processes") { open in
            let store = try await open()
            let other = try await open()  // a second process on the same database
            try expect(try await store.claimScheduleTick(flowID: "f", tick: t0))
            try expect(try await other.claimScheduleTick(flowID: "f", tick: t0) == false)
            try expect(try await other.claimScheduleTick(flowID: "f", tick: t0 + 60))
            try expect(try await store.claimScheduleTick(flowID: "g", tick: t0), "ticks are per flow")
            // Many schedulers racing for one tick: exactly one wins.
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask { try await (index % 2 == 0 ? store : other).claimScheduleTick(flowID: "race", tick: t0 + 120) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try expectEqual(winners, 1)
        },
    ]
}
