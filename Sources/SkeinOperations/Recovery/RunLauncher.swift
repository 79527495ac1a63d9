public import Foundation
public import SkeinCore
public import SkeinStorage

/// How a run an operation planned is started. The API, the web UI and the MCP server queue it
/// for `skein serve`'s workers (`QueueLauncher`); the CLI executes it in its own process unless
/// `--queue` is given (its launcher prints each step as it finishes).
public protocol RunLauncher: Sendable {
    /// Starts `run`; returns its record (queued, or finished when it ran here).
    func launch(_ run: NewRun) async throws -> RunRecord
}

/// Stores the run for the workers; it is queued once `enqueue` has committed.
public struct QueueLauncher: RunLauncher {
    let intake: any RunIntake
    let now: @Sendable () -> Date

    public init(intake: any RunIntake, now: @escaping @Sendable () -> Date = Date.init) {
        self.intake = intake
        self.now = now
    }

    public func launch(_ run: NewRun) async throws -> RunRecord { try await intake.enqueue(run, now: now()) }
}
