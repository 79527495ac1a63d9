import Foundation
import GRDB
import SkeinCore
import SkeinStorage

extension SQLiteStore: RunBulkImport {
    public func importRuns(_ runs: [ImportedRun]) async throws -> Int {
        try await write { db in
            let insertRun = try db.cachedStatement(
                sql: """
                    INSERT INTO runs (flow_id, flow_version, status, trigger, priority, queued_at, started_at, finished_at, error,
                                      failed_shape_id, claims, input_count)
                    VALUES (?, ?, ?, ?, 3, ?, ?, ?, ?, ?, 1, 1)
                    """)
            let insertStep = try db.cachedStatement(
                sql: """
                    INSERT INTO steps (run_id, sequence, shape_id, shape_type, status, started_at, finished_at, input_count, output_count, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for run in runs {
                let queued = run.queuedAt.storageValue
                try insertRun.execute(arguments: [
                    run.flowID, run.flowVersion, run.status.rawValue, run.trigger.rawValue, queued, queued,
                    run.finishedAt.storageValue, run.error, run.failedShapeID,
                ])
                let id = db.lastInsertedRowID
                for (index, step) in run.steps.enumerated() {
                    try insertStep.execute(arguments: [
                        id, index + 1, step.shapeID, step.shapeType, step.status.rawValue, queued,
                        run.finishedAt.storageValue, step.inputCount, step.outputCount, step.error,
                    ])
                }
            }
            return runs.count
        }
    }
}
