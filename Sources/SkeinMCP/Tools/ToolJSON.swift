import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations

/// How records look in tool answers: the names of the REST API and `--json` (docs/api.md), so
/// an assistant's findings can be checked with `skein runs show` or `curl`.
enum ToolJSON {
    static func time(_ date: Date) -> JSON { .string(UTCDate.format(date)) }
    static func number(_ value: some BinaryInteger) -> JSON { .number(Double(value)) }
    static func number(_ id: some NumericID) -> JSON { .number(Double(id.rawValue)) }
    static func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

    static func run(_ run: RunRecord) -> JSON {
        [
            "id": number(run.id), "flow": .string(run.flowID), "version": number(run.flowVersion),
            "status": .string(run.status.rawValue), "trigger": .string(run.trigger.rawValue), "queued_at": time(run.queuedAt),
            "started_at": run.startedAt.map(time) ?? .null, "finished_at": run.finishedAt.map(time) ?? .null,
            "error": text(run.error), "failed_step": text(run.failedShapeID), "origin_run": run.originRunID.map(number) ?? .null,
            "entry_step": text(run.entryShapeID), "has_warnings": .bool(run.hasWarnings), "payloads_expired": .bool(run.payloadsExpired),
        ]
    }

    /// A run with `recovered_by`: the run replayed or retried from it that succeeded (null when none).
    static func run(_ run: RunRecord, recoveredBy: RunID?) -> JSON {
        var object = self.run(run).objectValue ?? [:]
        object["recovered_by"] = recoveredBy.map(number) ?? .null
        return .object(object)
    }

    /// A step without its recorded HTTP calls (only how many: they can be large; `skein runs show --calls` prints them).
    static func step(_ step: StepRecord) -> JSON {
        [
            "sequence": number(step.sequence), "step": .string(step.shapeID), "type": .string(step.shapeType),
            "path": text(step.path), "status": .string(step.status.rawValue), "attempts": number(step.attempts),
            "started_at": time(step.startedAt), "finished_at": step.finishedAt.map(time) ?? .null,
            "duration_ms": step.finishedAt.map { .number(($0.timeIntervalSince(step.startedAt) * 1000).rounded()) } ?? .null,
            "payloads_in": number(step.inputCount), "payloads_out": number(step.outputCount),
            "bytes_in": number(step.inputBytes), "bytes_out": number(step.outputBytes), "error": text(step.error),
            "error_details": step.errorDetails ?? .null, "warnings": .array(step.warnings.map(JSON.string)), "calls": number(step.calls.count),
        ]
    }

    static func flow(_ flow: DeployedFlow) -> JSON {
        [
            "id": .string(flow.flowID), "version": number(flow.version), "enabled": .bool(flow.enabled),
            "deployed_at": time(flow.deployedAt), "trigger": .string(flow.definition.trigger.kind),
            "shapes": .array(flow.definition.shapes.map { ["id": .string($0.id), "type": .string($0.type), "skip": .bool($0.skip)] }),
        ]
    }

    static func syncEntry(_ entry: SyncEntry) -> JSON {
        [
            "sync_id": number(entry.id), "status": .string(entry.status.rawValue), "system": .string(entry.system),
            "reference": .string(entry.reference), "source_id": .string(entry.sourceID), "flow": .string(entry.flowID),
            "run": number(entry.runID), "step": .string(entry.shapeID), "attempts": number(entry.attempts),
            "first_attempt": time(entry.firstAttemptAt), "latest_attempt": time(entry.latestAttemptAt),
            "next_retry": entry.nextRetryAt.map(time) ?? .null, "latest_sync_information": .string(entry.latestResponse),
        ]
    }

    /// Counts by status, every status present (0 when none).
    static func syncTransition(_ transition: SyncTransition) -> JSON {
        [
            "at": time(transition.at), "from": text(transition.from?.rawValue), "to": .string(transition.to.rawValue),
            "reason": .string(transition.reason),
        ]
    }

    static func syncAttempt(_ attempt: SyncAttemptRecord) -> JSON {
        [
            "attempt": number(attempt.number), "at": time(attempt.at), "status": .string(attempt.status.rawValue),
            "reason": .string(attempt.reason), "response": .string(attempt.response), "endpoint_id": .string(attempt.endpointID),
            "manual": .bool(attempt.manual),
        ]
    }

    static func counts<Status: RawRepresentable & CaseIterable & Hashable>(_ counts: [Status: Int]) -> JSON where Status.RawValue == String {
        .object(.init(uniqueKeysWithValues: Status.allCases.map { ($0.rawValue, number(counts[$0] ?? 0)) }))
    }

    /// A run an operation would start (a preview) — what, where from, with how many payloads.
    static func plan(_ plan: NewRun) -> JSON {
        [
            "flow": .string(plan.flowID), "version": number(plan.flowVersion), "trigger": .string(plan.trigger.rawValue),
            "entry_step": text(plan.entryShapeID), "payloads": number(plan.input.count),
            "origin_run": plan.originRunID.map(number) ?? .null,
        ]
    }

    static func failureGroup(_ group: RunOperations.FailureGroup) -> JSON {
        [
            "error": .string(group.error), "example": .string(group.example), "count": number(group.count),
            "flows": .array(group.flows.map(JSON.string)), "steps": .array(group.steps.map(JSON.string)),
            "runs": .array(group.runs.map(number)),
        ]
    }
}
