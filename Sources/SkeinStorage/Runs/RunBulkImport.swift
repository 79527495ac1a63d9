public import SkeinCore

/// Writes many finished runs in one transaction, through the store's own schema — the fast path
/// `skein bench runs` uses to build a run log of a million runs. Optional: not part of
/// `SkeinStore`; a backend without it cannot host that benchmark.
public protocol RunBulkImport: Sendable {
    /// Stores `runs` (in order, ids ascending) in one transaction and returns how many were written.
    func importRuns(_ runs: [ImportedRun]) async throws -> Int
}
