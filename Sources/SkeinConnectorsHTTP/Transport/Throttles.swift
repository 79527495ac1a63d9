import SkeinCore
import SkeinJSON

/// How a system tells its client to slow down, beyond a fixed `rate_limit` (instance setting
/// `throttle:`):
///
/// | `type`          | what the system sends                                                        | what Skein does |
/// |-----------------|------------------------------------------------------------------------------|-----------------|
/// | `graphql_cost`  | `extensions.cost` with `requestedQueryCost` and `throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}` (Shopify) | before each request, waits until the bucket holds what the same query cost last time |
/// | `quota_headers` | a header with the requests left in the window and one with the milliseconds until it resets (BigCommerce `X-Rate-Limit-Requests-Left`, `X-Rate-Limit-Time-Reset-Ms`) | once none are left, waits for the reset |
enum ThrottlePolicy: Sendable, Equatable {
    case graphqlCost(costPath: FieldPath)
    case quotaHeaders(remaining: String, resetMilliseconds: String)

    static let types = ["graphql_cost", "quota_headers"]

    static let variants = Variants(
        key: "type",
        cases: [
            Variant(
                "graphql_cost", help: "Shopify-style GraphQL query costs: wait until the bucket at `cost_path` has room.",
                settings: ObjectSpec([
                    FieldSpec("cost_path", .fieldPath, default: "extensions.cost", help: "Where the answer reports `requestedQueryCost` and `throttleStatus`.")
                ])),
            Variant(
                "quota_headers", help: "Headers with the requests left and when the quota resets.",
                settings: ObjectSpec([
                    FieldSpec("remaining_header", .string(TextRules(nonEmpty: true)), required: true, help: "The header with the requests left."),
                    FieldSpec(
                        "reset_ms_header", .string(TextRules(nonEmpty: true)), required: true, help: "The header with the milliseconds until the quota resets."),
                ])),
        ])

    /// The policy of a validated `throttle:` setting.
    init?(_ settings: ValidSettings) {
        switch settings.string("type") {
        case "graphql_cost": self = .graphqlCost(costPath: settings.fieldPath("cost_path"))
        case "quota_headers": self = .quotaHeaders(remaining: settings.string("remaining_header"), resetMilliseconds: settings.string("reset_ms_header"))
        default: return nil
        }
    }
}

/// What systems said about their limits, per instance, shared by every step of an `HTTPShape`
/// (like `RateLimiters`): two flows reading the same Shopify store draw on one cost bucket.
///
/// Callers reserve before a request (which may mean waiting) and report what the answer said.
///
/// A wait is never longer than `longestWait` (a minute): a system that reports a reset hours
/// away, or a restore rate near zero, slows a step down without hanging it; if it still refuses,
/// the step fails (transient) and its `retry:` policy decides.
public actor Throttles {
    static let longestWait: Duration = .seconds(60)
    /// Added to every wait: the system's numbers are rounded and its clock is not ours, and
    /// arriving a moment late costs less than being refused.
    static let margin: Duration = .milliseconds(50)

    struct Bucket: Sendable {
        var available: Double
        var maximum: Double
        var restoreRate: Double
        var at: ContinuousClock.Instant
    }

    struct Quota: Sendable {
        var remaining: Int
        var resetAt: ContinuousClock.Instant
    }

    private var buckets: [String: Bucket] = [:]
    private var quotas: [String: Quota] = [:]
    /// What each GraphQL query cost last time (`requestedQueryCost`), by instance and query text.
    private var queryCosts: [String: Double] = [:]
    private let clock = ContinuousClock()

    public init() {}

    /// When `query` may start; its cost (what it asked for last time, or a full bucket for a
    /// query not seen yet) is taken from the bucket now, so concurrent steps queue behind each
    /// other instead of all spending the same points.
    func reserve(query: String, instance: String) -> ContinuousClock.Instant {
        let now = clock.now
        guard var bucket = buckets[instance], bucket.restoreRate > 0 else { return now }
        let start = max(now, bucket.at)
        let cost = min(queryCosts[instance + "\u{0}" + query] ?? bucket.maximum, bucket.maximum)
        var available = min(bucket.maximum, bucket.available + bucket.restoreRate * (start - bucket.at).seconds)
        var when = start
        if available < cost {
            let wait = min((cost - available) / bucket.restoreRate, Self.longestWait.seconds)
            when = start + .milliseconds(Int64((wait * 1000).rounded(.up))) + Self.margin
            available = cost
        }
        when = min(when, now + Self.longestWait)
        bucket.available = available - cost
        bucket.at = when
        buckets[instance] = bucket
        return when
    }

    /// The bucket as the system reported it in an answer to `query`, and what the query asked for.
    func observe(_ cost: QueryCost, query: String, instance: String) {
        buckets[instance] = Bucket(available: cost.available, maximum: cost.maximum, restoreRate: cost.restoreRate, at: clock.now)
        if let requested = cost.requested { queryCosts[instance + "\u{0}" + query] = requested }
    }

    /// How long until the bucket holds what `query` costs, from the state just reported.
    func waitFor(query: String, instance: String) -> Duration {
        guard let bucket = buckets[instance], bucket.restoreRate > 0 else { return .seconds(1) }
        let cost = queryCosts[instance + "\u{0}" + query] ?? bucket.maximum
        let missing = max(0, min(cost, bucket.maximum) - bucket.available)
        return min(.milliseconds(Int64((missing / bucket.restoreRate * 1000).rounded(.up))) + Self.margin, Self.longestWait)
    }

    /// When the next request may start under a request quota; counts it against the quota.
    func reserveRequest(instance: String) -> ContinuousClock.Instant {
        let now = clock.now
        guard var quota = quotas[instance] else { return now }
        if now >= quota.resetAt {
            // A new window: what it holds is learnt from the next answer.
            quotas[instance] = nil
            return now
        }
        if quota.remaining > 0 {
            quota.remaining -= 1
            quotas[instance] = quota
            return now
        }
        // None left in this window: wait for the reset.
        return min(quota.resetAt, now + Self.longestWait)
    }

    /// The quota as the system reported it in an answer's headers.
    func observe(remaining: Int, resetIn: Duration, instance: String) {
        quotas[instance] = Quota(remaining: remaining, resetAt: clock.now + min(resetIn, Self.longestWait) + Self.margin)
    }

    /// Forgets everything about `instance`.
    public func forget(instance: String) {
        buckets[instance] = nil
        quotas[instance] = nil
        queryCosts = queryCosts.filter { !$0.key.hasPrefix(instance + "\u{0}") }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Shopify-style cost data in a GraphQL answer.
struct QueryCost: Sendable, Equatable {
    var requested: Double?
    var maximum: Double
    var available: Double
    var restoreRate: Double

    static func read(_ document: JSON, at path: FieldPath) -> QueryCost? {
        guard let cost = path.value(in: document), let status = cost["throttleStatus"],
            let maximum = status["maximumAvailable"]?.numberValue, let available = status["currentlyAvailable"]?.numberValue,
            let restoreRate = status["restoreRate"]?.numberValue
        else { return nil }
        return QueryCost(requested: cost["requestedQueryCost"]?.numberValue, maximum: maximum, available: available, restoreRate: restoreRate)
    }
}
