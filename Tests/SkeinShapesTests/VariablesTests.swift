import Foundation
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

@Suite struct VariablesTests {
    static let flow = """
        id: batch-orders
        variables:
          channel: web
          vat_rate: 0.2
        shapes:
          - id: remember
            set_variables:
              values:
                batch: "'B-' & $string(batch_id)"
                total: $sum(orders.line_items.(quantity * price))
                source: { value: { system: shop, region: uk } }
          - id: each
            split: { path: orders }
          - id: label
            map:
              fields:
                order: order_number
                batch: $batch
                channel: $vars.channel
                gross: $round($total * (1 + $vat_rate), 2)
                region: $source.region
        """

    @Test func laterShapesSeeFlowDefaultsAndSetValuesInJSONata() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(VariablesTests.flow)
        let (run, status) = try await harness.run(flow, [["batch_id": 77, "orders": [order(1, skus: ["A", "B"]), order(2)]]])
        #expect(status == .success)
        let labelled = try await harness.outputs(run.id, "label")
        // 9.5 × 1 + 9.5 × 2 + 9.5 × 1 = 38, with 20% VAT 45.6
        #expect(
            labelled == [
                ["order": 1, "batch": "B-77", "channel": "web", "gross": 45.6, "region": "uk"],
                ["order": 2, "batch": "B-77", "channel": "web", "gross": 45.6, "region": "uk"],
            ])
        let stored = try await harness.store.runVariables(runID: run.id, throughSequence: 1)
        #expect(stored?["batch"] == "B-77")
        #expect(stored?["channel"] == "web")
    }

    @Test func aRetriedRunContinuesWithTheVariablesItHad() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(
            VariablesTests.flow.replacingOccurrences(
                of: "  - id: each\n",
                with:
                    "  - id: check\n    assert: { condition: \"$count(orders) < 2\", message: too many orders }\n  - id: each\n"))
        let (failed, status) = try await harness.run(flow, [["batch_id": 9, "orders": [order(1), order(2)]]])
        #expect(status == .failure)
        // Deploy a corrected version and retry from the failed step: set_variables does not run again.
        let fixed = try await harness.deploy(
            VariablesTests.flow.replacingOccurrences(
                of: "  - id: each\n",
                with:
                    "  - id: check\n    assert: { condition: \"$count(orders) < 5\", message: too many orders }\n  - id: each\n"))
        #expect(fixed.version == 2)
        let retry = try await RunRecovery(store: harness.store).retry(runID: failed.id, useLatestVersion: true)
        let record = try await harness.store.startClaimed(retry, owner: "test", leaseUntil: Date() + 600, now: Date())
        #expect(try await harness.executor().execute(record) == .success)
        #expect(try await harness.store.steps(runID: record.id).map(\.shapeID) == ["check", "each", "label"])
        let labelled = try await harness.outputs(record.id, "label")
        #expect(labelled.map { $0.objectValue?["batch"] } == ["B-9", "B-9"])
    }

    @Test func anExpressionThatGivesNothingKeepsTheOldValueWithAWarning() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(
            """
            id: keep
            variables: { customer: unknown }
            shapes:
              - id: remember
                set_variables: { values: { customer: customer.email } }
              - id: show
                map: { fields: { customer: $customer } }
            """)
        let (run, _) = try await harness.run(flow, [["order_number": 5]])
        #expect(try await harness.outputs(run.id, "show") == [["customer": "unknown"]])
        #expect(try await harness.step(run.id, "remember")?.warnings.first?.contains("gave nothing") == true)
    }

    @Test func badVariableNamesAndValuesAreValidationProblems() throws {
        let catalog = Harness(store: MemoryStore()).catalog
        do {
            _ = try FlowFile.decode(
                """
                id: bad
                variables: { "2fast": 1, vars: 2 }
                shapes:
                  - id: set
                    set_variables: { values: { "my-var": total, ok: "sum((" , nested: [1, 2] } }
                """, catalog: catalog)
            Issue.record("expected validation problems")
        } catch {
            let text = "\(error)"
            #expect(text.contains("variables.2fast"))
            #expect(text.contains("variables.vars"))
            #expect(text.contains("shapes[0].set_variables.values.my-var"))
            #expect(text.contains("shapes[0].set_variables.values.ok"))
            #expect(text.contains("shapes[0].set_variables.values.nested"))
        }
    }
}
