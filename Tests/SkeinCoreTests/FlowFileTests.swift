import Foundation
import SkeinCore
import SkeinJSON
import Testing

@Suite struct FlowFileTests {
    let orderFlow = """
        id: orders-to-erp
        name: Orders to the ERP
        trigger: { schedule: "*/15 * * * *" }
        priority: 2
        shapes:
          - id: orders
            payload: { json: { orders: [ { id: 1, status: paid } ] } }
          - id: each-order
            split: { path: orders }
          - id: paid-only
            skip: true
            filter:
              where: [ { field: status, equals: paid } ]
          - id: to-erp
            retry: { attempts: 4, backoff: 500ms, max_backoff: 10s }
            map:
              fields:
                order_number: id
                currency: { value: GBP }
        """

    @Test func readsAHandWrittenYAMLFlow() throws {
        let flow = try FlowFile.decode(orderFlow)
        #expect(flow.id == "orders-to-erp")
        #expect(flow.priority == 2)
        #expect(flow.shapes.map(\.id) == ["orders", "each-order", "paid-only", "to-erp"])
        #expect(flow.shapes.map(\.type) == ["payload", "split", "filter", "map"])
        #expect(flow.shapes[2].skip)
        #expect(flow.shapes[3].retry == RetryPolicy(attempts: 4, backoff: .milliseconds(500), maximumBackoff: .seconds(10)))
        guard case .schedule(let cron) = flow.trigger else { Issue.record("expected a schedule"); return }
        #expect(cron.description == "*/15 * * * *")
    }

    @Test func readsTheSameFlowWrittenAsJSON() throws {
        let json = #"{"id": "f", "trigger": "api", "shapes": [{"id": "s", "split": {"batch_size": 2}}]}"#
        let flow = try FlowFile.decode(json)
        #expect(flow.trigger == .api)
        #expect(flow.shapes[0].settings == ["batch_size": 2])
    }

    @Test func reportsEveryProblemWithItsPath() {
        let text = """
            id: orders
            shapes:
              - id: a
                mapp: { fields: { x: y } }
              - id: b
                map: { fields: { sku: { path: lines.sku, defualt: 0 } } }
              - id: b
                split: { batch_size: -1 }
              - id: c
            trigger: { webhook: { token: short } }
            """
        do {
            _ = try FlowFile.decode(text, source: "orders.yaml")
            Issue.record("expected validation to fail")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("shapes[0].mapp: unknown shape type 'mapp'; known types: assert, branch, filter, map, payload, route, run_flow, split, try"))
            #expect(lines.contains("shapes[1].map.fields.sku.defualt: unknown field 'defualt'"))
            #expect(lines.contains("shapes[2].split.batch_size: -1 is outside 1...1000000"))
            #expect(lines.contains("shapes[2].id: 'b' is already the id of shapes[1]"))
            #expect(lines.contains { $0.hasPrefix("shapes[3]: no shape type given") })
            #expect(lines.contains { $0.hasPrefix("trigger.webhook.token: use at least 16") })
            #expect(error.description.hasPrefix("orders.yaml: 6 problems in the flow"))
        }
    }

    @Test func pointsAtTheLineOfAYAMLSyntaxError() {
        do {
            _ = try FlowFile.decode("id: x\nshapes:\n  - id: a\n   split: {")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems[0].message.contains("invalid YAML: line"))
        }
    }

    @Test func reportsInvalidJSONFlowFilesWithLineAndColumn() {
        do {
            _ = try FlowFile.decode("{\"id\": \"x\",\n \"shapes\": [}")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.problems[0].message.contains("line 2, column 13"))
        }
    }
}

@Suite struct CronScheduleTests {
    // 2026-11-23 13:07:00 UTC, a Monday.
    let monday1307: Int64 = 1_795_439_220

    @Test func firesEveryFifteenMinutes() throws {
        let cron = try CronSchedule("*/15 * * * *")
        #expect(cron.nextFire(after: monday1307) == monday1307 + 8 * 60)
    }

    @Test func firesAtNineOnWeekdays() throws {
        let cron = try CronSchedule("0 9 * * MON-FRI")
        // Next is Tuesday 09:00.
        #expect(cron.nextFire(after: monday1307) == monday1307 - 13 * 3600 - 7 * 60 + 86400 + 9 * 3600)
    }

    @Test func firesOnTheFirstOfTheMonth() throws {
        let cron = try CronSchedule("30 2 1 * *")
        // 2026-12-01 02:30 UTC
        #expect(cron.nextFire(after: monday1307) == 1_796_092_200)
    }

    @Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "x * * * *"])
    func rejectsInvalidExpressions(expression: String) {
        #expect(throws: CronError.self) { try CronSchedule(expression) }
    }

    @Test func neverFiresOnAnImpossibleDate() throws {
        #expect(try CronSchedule("0 0 31 2 *").nextFire(after: monday1307) == nil)
        #expect(try CronSchedule("0 0 31 2 *").nextFires(after: Date(timeIntervalSince1970: TimeInterval(monday1307)), count: 5).isEmpty)
    }

    @Test func previewsTheNextFires() throws {
        let after = Date(timeIntervalSince1970: TimeInterval(monday1307))
        let weekdays = try CronSchedule("0 9 * * MON-FRI").nextFires(after: after, count: 5)
        // Tuesday to Friday 09:00, then Monday 09:00 of the next week.
        let tuesday0900 = monday1307 - 13 * 3600 - 7 * 60 + 86400 + 9 * 3600
        let expected = [0, 1, 2, 3, 6].map { Date(timeIntervalSince1970: TimeInterval(tuesday0900 + Int64($0) * 86400)) }
        #expect(weekdays == expected)
        #expect(try CronSchedule("* * * * *").nextFires(after: after, count: 500).count == CronSchedule.maximumPreview)
    }
}
