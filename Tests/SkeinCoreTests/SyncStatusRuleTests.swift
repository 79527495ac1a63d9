import SkeinCore
import Testing

@Suite struct SyncStatusRuleTests {
    @Test func transientFailuresArePendingUntilTheRetriesRunOut() {
        let failure = SyncOutcome.transientFailure("503")
        let statuses = (0...4).map { SyncStatusRule.status(after: failure, automaticRetries: $0, retryLimit: 4).status }
        #expect(statuses == [.pending, .pending, .pending, .pending, .failed])
        #expect(SyncStatusRule.status(after: failure, automaticRetries: 4, retryLimit: 4).reason == "retries exhausted (4): 503")
        #expect(SyncStatusRule.status(after: failure, automaticRetries: 0, retryLimit: 0).status == .failed)
    }

    @Test func outcomesMapToStatuses() {
        #expect(SyncStatusRule.status(after: .accepted, automaticRetries: 3, retryLimit: 4).status == .ok)
        #expect(SyncStatusRule.status(after: .delivered, automaticRetries: 0, retryLimit: 4).status == .sent)
        #expect(SyncStatusRule.status(after: .permanentFailure("422"), automaticRetries: 0, retryLimit: 4) == (.failed, "422"))
        #expect(SyncStatusRule.canConfirm(.sent) && !SyncStatusRule.canConfirm(.ok) && !SyncStatusRule.canConfirm(.pending))
    }

    @Test func backoffDoublesUpToTheMaximum() {
        let backoff = SyncBackoff(base: .seconds(60), maximum: .seconds(300))
        #expect((0...4).map { backoff.delay(retriesDone: $0) } == [.seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300)])
        #expect(SyncBackoff(base: .milliseconds(200)).seconds(retriesDone: 1) == 0.4)
    }

    @Test func aRetryAfterFromTheDestinationReplacesTheBackoffUpToItsLimit() {
        let backoff = SyncBackoff(base: .seconds(60), maximum: .seconds(300), retryAfterLimit: .seconds(120))
        #expect(backoff.delay(retriesDone: 0, retryAfter: .seconds(1)) == .seconds(1))
        #expect(backoff.delay(retriesDone: 3, retryAfter: .seconds(5)) == .seconds(5))
        #expect(backoff.delay(retriesDone: 0, retryAfter: .seconds(86_400)) == .seconds(120))
        #expect(backoff.delay(retriesDone: 0, retryAfter: .seconds(-3)) == .zero)
        #expect(backoff.delay(retriesDone: 0, retryAfter: nil) == .seconds(60))
    }
}
