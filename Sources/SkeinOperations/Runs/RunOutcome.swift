import Foundation
public import SkeinCore

/// What happened in a run, beyond its status: how its sync entries stand (OK, Sent, Pending,
/// Failed, skipped) and the warnings its steps recorded. A run can succeed and still leave
/// items Pending or warnings to read; `skein run` ends with this so a success does not hide them.
public struct RunOutcome: Sendable {
    public var run: RunRecord
    /// The run's sync entries by status; every status is present (zero when none).
    public var syncCounts: [SyncStatus: Int]
    /// Each step's warnings, in step order, with the step's shape id.
    public var warnings: [(shapeID: String, warning: String)]

    /// How many sync entries the run wrote.
    public var syncTotal: Int { syncCounts.values.reduce(0, +) }

    /// `85 OK, 0 Sent, 5 Pending, 0 Failed, 2 skipped`: the report's status words, in its order.
    public var syncLine: String {
        SyncStatus.allCases.map { status in
            "\(syncCounts[status] ?? 0) \(status == .skipped ? "skipped" : status.rawValue == "ok" ? "OK" : status.rawValue.capitalized)"
        }.joined(separator: ", ")
    }
}

extension RunOperations {
    /// The outcome of run `id`: its sync entries by status (those written since it started, as
    /// the sync report keeps them) and its steps' warnings.
    public func outcome(_ caller: Identity?, _ id: RunID) async throws -> RunOutcome {
        try Permission.read.require(caller)
        let run = try await record(id)
        let since = (run.startedAt ?? run.queuedAt).addingTimeInterval(-1)
        let counts = try await store.syncCounts(.entries(of: id, since: since))
        let warnings = try await store.steps(runID: id).flatMap { step in step.warnings.map { (step.shapeID, $0) } }
        return RunOutcome(run: run, syncCounts: counts, warnings: warnings)
    }
}
