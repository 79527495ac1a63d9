import Foundation
import Logging
import SkeinInstrumentation
import SkeinStorage

/// The gauges read from the store when Prometheus scrapes: queue depth and the oldest queued
/// run's age per flow, and whether the store answered.
///
/// Every process sharing a database reports the same queue (it is the database's); aggregate with
/// `max by (flow)` rather than `sum`. A flow whose queue emptied reports 0 rather than vanishing,
/// so a graph drops to zero instead of stopping at its last value.
actor QueueGauges {
    let store: any RunCountStore
    let logger: Logger
    let now: @Sendable () -> Date
    private var reported: Set<String> = []

    init(store: any RunCountStore, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    func refresh() async {
        do {
            let queued = try await store.queuedRuns()
            let time = now()
            for flow in queued {
                SkeinMetric.queueDepth.set(Double(flow.count), flow.flowID)
                SkeinMetric.queueOldestAge.set(max(0, time.timeIntervalSince(flow.oldestQueuedAt)), flow.flowID)
            }
            let current = Set(queued.map(\.flowID))
            for emptied in reported.subtracting(current) {
                SkeinMetric.queueDepth.set(0, emptied)
                SkeinMetric.queueOldestAge.set(0, emptied)
            }
            reported.formUnion(current)
            SkeinMetric.storeReachable.set(1)
        } catch {
            SkeinMetric.storeReachable.set(0)
            logger.warning("metrics: could not read the run queue", metadata: ["error": "\(error)"])
        }
    }
}
