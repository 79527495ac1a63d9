public import Foundation
public import Logging
import ServiceLifecycle
import SkeinCore
public import SkeinStorage

/// Fires scheduled flows as a `Service`: at each cron tick of an enabled flow it queues one run.
///
/// Each tick is claimed in the store first, so several scheduler processes sharing one
/// database fire it exactly once between them. A tick missed while no scheduler ran is not
/// replayed; the next one fires as usual.
public struct Scheduler: Service {
    /// The enabled flows' schedules, the shared tick claims, and the queue its runs go to.
    public typealias Store = FlowReader & ScheduleTickStore & RunIntake

    let store: any Store
    let logger: Logger
    let now: @Sendable () -> Date
    let interval: Duration

    public init(store: any Store, logger: Logger, now: @escaping @Sendable () -> Date = Date.init, interval: Duration = .seconds(1)) {
        self.store = store
        self.logger = logger
        self.now = now
        self.interval = interval
    }

    public func run() async throws {
        var lastChecked = Int64(now().timeIntervalSince1970)
        while ServicePacing.keepsRunning {
            await ServicePacing.pause(interval)
            let current = Int64(now().timeIntervalSince1970)
            do {
                try await fireDue(from: lastChecked, to: current)
            } catch is CancellationError {
                break  // the service group is stopping (e.g. the HTTP server could not bind): not a scheduler problem
            } catch {
                logger.error("scheduler could not check schedules", metadata: ["error": "\(error)"])
            }
            lastChecked = current
        }
    }

    /// Queues a run for every enabled scheduled flow with a tick in (from, to].
    public func fireDue(from: Int64, to: Int64) async throws {
        for flow in try await store.flows() where flow.enabled {
            guard case .schedule(let cron) = flow.definition.trigger else { continue }
            var cursor = from
            while let tick = cron.nextFire(after: cursor), tick <= to {
                cursor = tick
                let tickDate = Date(timeIntervalSince1970: TimeInterval(tick))
                guard try await store.claimScheduleTick(flowID: flow.flowID, tick: tickDate) else { continue }
                let run = try await store.enqueue(
                    NewRun(
                        flowID: flow.flowID, flowVersion: flow.version, trigger: .schedule,
                        priority: flow.definition.priority), now: now())
                logger.info("scheduled run queued", metadata: ["flow.id": "\(flow.flowID)", "run.id": "\(run.id)", "tick": "\(cron)"])
            }
        }
    }
}
