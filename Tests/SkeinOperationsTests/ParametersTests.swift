import Foundation
import SkeinCore
import SkeinOperations
import Testing

@Suite struct ParametersTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func runFilterReadsEveryName() throws {
        let query = try RunFilter.query(
            Inputs([
                "status": ["failure,success"], "trigger": ["webhook"], "flow": ["orders"],
                "from": ["2026-05-01"], "to": ["2026-05-02"], "has_warnings": ["true"],
                "before": ["40"], "limit": ["20"],
            ]), now: now)
        #expect(query.statuses == [.failure, .success])
        #expect(query.triggers == [.webhook])
        #expect(query.flowID == "orders")
        #expect(query.since == UTCDate.parse("2026-05-01"))
        #expect(query.until == UTCDate.parse("2026-05-02T23:59:59.999Z"))
        #expect(query.hasWarnings == true)
        #expect(query.before == RunID(40))
        #expect(query.limit == 20)
    }
}
