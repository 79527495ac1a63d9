/// One metric Skein emits: its Prometheus name, type and labels, and what it means.
///
/// `SkeinMetric.all` is the catalogue: the Prometheus exporter takes each metric's help text
/// and histogram buckets from it, and docs/operations.md lists the same metrics (a test keeps
/// the two in step). Every label has a bounded set of values — flow ids, shape types, instance
/// names, statuses — never a run id or anything a caller can invent.
public struct SkeinMetric: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case counter
        case gauge
        /// A duration histogram in seconds (`_bucket`, `_sum`, `_count`).
        case histogram
    }

    public let name: String
    public let kind: Kind
    public let labels: [String]
    public let help: String
    /// Upper bounds of a histogram's buckets, in seconds.
    public let buckets: [Double]

    init(_ name: String, _ kind: Kind, labels: [String] = [], buckets: [Double] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}

extension SkeinMetric {
    /// From a millisecond to five minutes: steps, runs and connector calls.
    static let workBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    /// From half a millisecond to five seconds: one store transaction.
    static let storeBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    /// From 10 ms to an hour: how long a run waited in the queue.
    static let queueBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]

    public static let runsStarted = SkeinMetric(
        "skein_runs_started_total", .counter, labels: ["flow", "trigger"],
        "Runs a worker began executing (first pick-up), by flow and trigger.")
    public static let runsResumed = SkeinMetric(
        "skein_runs_resumed_total", .counter, labels: ["flow"],
        "Runs picked up again after their worker stopped (lease expired), by flow.")
    public static let runsFinished = SkeinMetric(
        "skein_runs_finished_total", .counter, labels: ["flow", "status"],
        "Runs that ended, by flow and final status (success, partial_success, failure, stopped).")
    public static let runDuration = SkeinMetric(
        "skein_run_duration_seconds", .histogram, labels: ["flow", "status"], buckets: workBuckets,
        "Time from a worker picking a run up to its end, by flow and final status.")
    public static let runQueueWait = SkeinMetric(
        "skein_run_queue_wait_seconds", .histogram, labels: ["flow"], buckets: queueBuckets,
        "Time runs spent queued before their first pick-up, by flow.")
    public static let runsInProgress = SkeinMetric(
        "skein_runs_in_progress", .gauge,
        "Runs this process is executing now.")
    public static let stepDuration = SkeinMetric(
        "skein_step_duration_seconds", .histogram, labels: ["shape_type", "status"], buckets: workBuckets,
        "Time each executed step took (retries included), by shape type and step status.")
    public static let queueDepth = SkeinMetric(
        "skein_queue_depth", .gauge, labels: ["flow"],
        "Runs queued and not yet picked up, by flow (read from the store at scrape time).")
    public static let queueOldestAge = SkeinMetric(
        "skein_queue_oldest_age_seconds", .gauge, labels: ["flow"],
        "Age of the oldest queued run, by flow (read from the store at scrape time).")
    public static let storeReachable = SkeinMetric(
        "skein_store_reachable", .gauge,
        "1 when the last scrape could read the store, 0 when it could not.")
    public static let webhooksAccepted = SkeinMetric(
        "skein_webhooks_accepted_total", .counter, labels: ["flow"],
        "Webhook requests answered 2xx: the run and its payload were stored.")
    public static let webhooksRefused = SkeinMetric(
        "skein_webhooks_refused_total", .counter, labels: ["flow", "reason"],
        "Webhook requests refused, by the error code answered; flow is empty when the address names no webhook.")
    public static let webhooksDeduplicated = SkeinMetric(
        "skein_webhooks_deduplicated_total", .counter, labels: ["flow"],
        "Webhook requests recognised as repeats (dedupe:): answered like the first, starting nothing.")
    public static let syncEntries = SkeinMetric(
        "skein_sync_entries_total", .counter, labels: ["flow", "status"],
        "Sync report entries created by steps, by flow and first status (ok, sent, pending, failed).")
    public static let syncRetries = SkeinMetric(
        "skein_sync_retries_total", .counter, labels: ["flow", "trigger", "status"],
        "Sync entries sent again (trigger automatic or manual), by flow and the status after the attempt.")
    public static let connectorCalls = SkeinMetric(
        "skein_connector_calls_total", .counter, labels: ["connector", "instance_name", "outcome"],
        "Calls to external systems (HTTP requests, SFTP operations, database statements), by connector, Skein instance and outcome.")
    public static let connectorCallDuration = SkeinMetric(
        "skein_connector_call_duration_seconds", .histogram,
        labels: ["connector", "instance_name", "outcome"], buckets: workBuckets,
        "How long calls to external systems took, by connector, instance and outcome.")
    public static let retentionDeleted = SkeinMetric(
        "skein_retention_deleted_total", .counter, labels: ["kind"],
        "Rows deleted by retention: runs, payloads, pool_keys, cache_entries.")
    public static let storeOperationDuration = SkeinMetric(
        "skein_store_operation_duration_seconds", .histogram,
        labels: ["backend", "operation", "outcome"], buckets: storeBuckets,
        "Time of each store operation (one transaction), by backend (sqlite, postgres), operation and outcome.")

    /// Every metric, in the order docs/operations.md lists them.
    public static let all: [SkeinMetric] = [
        runsStarted, runsResumed, runsFinished, runDuration, runQueueWait, runsInProgress, stepDuration,
        queueDepth, queueOldestAge, storeReachable, webhooksAccepted, webhooksRefused, webhooksDeduplicated, syncEntries, syncRetries,
        connectorCalls, connectorCallDuration, retentionDeleted, storeOperationDuration,
    ]

    /// The catalogue by name, for the exporter.
    public static let byName: [String: SkeinMetric] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
