public import SkeinCore

/// Which claim candidates a worker may take, applying each flow's `max_concurrent_runs`.
///
/// Backends fetch candidates in queue order (priority, then age) inside their claim
/// transaction, with the number of runs each limited flow already has started, and keep what
/// this returns. Sharing the rule keeps SQLite and PostgreSQL from drifting.
public enum RunClaimPlan {
    public struct Candidate: Sendable {
        public var id: RunID
        public var flowID: String
        /// A started run whose lease expired: resuming it does not add to the flow's running count.
        public var isResume: Bool
        /// The flow's `max_concurrent_runs`, nil when unlimited.
        public var limit: Int?

        public init(id: RunID, flowID: String, isResume: Bool, limit: Int?) {
            self.id = id; self.flowID = flowID; self.isResume = isResume; self.limit = limit
        }
    }

    /// The ids to claim, at most `count`, in candidate order. `running` holds, for each limited
    /// flow, how many of its runs are started (leases held or expired).
    public static func choose(_ candidates: [Candidate], running: [String: Int], count: Int) -> [RunID] {
        var running = running
        var chosen: [RunID] = []
        for candidate in candidates where chosen.count < count {
            if !candidate.isResume, let limit = candidate.limit {
                let current = running[candidate.flowID, default: 0]
                guard current < limit else { continue }
                running[candidate.flowID] = current + 1
            }
            chosen.append(candidate.id)
        }
        return chosen
    }
}
