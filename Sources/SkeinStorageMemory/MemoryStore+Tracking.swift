import Foundation
import SkeinCore
import SkeinStorage

/// Tracked values (`track_data`), found by value; they go with their run.
extension MemoryStore: TrackedDataStore {
    public func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws {
        guard !values.isEmpty else { return }
        try transaction { state in
            for run in Set(values.map(\.runID)) where state.runs.runs[run] == nil { throw StorageError(.notFound, "run \(run) is not stored") }
            // A step that runs again (retry, resume) replaces what it tracked before.
            let steps = Set(values.map { ShapeDataTables.TrackedStep(run: $0.runID, shapeID: $0.shapeID) })
            for run in Set(values.map(\.runID)) {
                state.shapeData.tracked[run]?.removeAll { steps.contains(ShapeDataTables.TrackedStep(run: $0.value.runID, shapeID: $0.value.shapeID)) }
            }
            // One row per run, step, payload, field and value (a repeat is ignored).
            for value in values where !(state.shapeData.tracked[value.runID] ?? []).contains(where: { $0.value.sameRow(as: value) }) {
                state.shapeData.tracked[value.runID, default: []].append(ShapeDataTables.TrackedRow(value: value, trackedAt: storedTime(now)))
            }
        }
    }

    public func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit] {
        try transaction { state in
            let hits = state.shapeData.tracked.values.joined().filter { row in
                row.value.value == value && (field.map { row.value.field == $0 } ?? true)
            }.sorted { a, b in
                let (ta, tb) = (a.trackedAt.timeIntervalSince1970, b.trackedAt.timeIntervalSince1970)
                if ta != tb { return ta > tb }
                if a.value.runID != b.value.runID { return a.value.runID > b.value.runID }
                return a.value.payloadIndex < b.value.payloadIndex
            }.prefix(max(1, limit))
            return hits.map { TrackedHit(value: $0.value, trackedAt: $0.trackedAt, runStatus: state.runs.runs[$0.value.runID]?.status.rawValue) }
        }
    }
}
