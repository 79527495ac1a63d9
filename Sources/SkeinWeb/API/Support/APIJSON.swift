import Foundation
import SkeinCore
import SkeinJSON
import SkeinOperations
import SkeinStorage

/// How records look in API answers: the same names as the CLI's `--json`.
enum APIJSON {
    static func iso(_ date: Date) -> JSON {
        .string(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
    }

    static func number(_ value: some BinaryInteger) -> JSON { .number(Double(value)) }
    /// Ids are plain numbers on the wire.
    static func number(_ id: some NumericID) -> JSON { .number(Double(id.rawValue)) }

    static func run(_ run: RunRecord) -> JSON {
        [
            "id": number(run.id), "flow": .string(run.flowID), "version": number(run.flowVersion),
            "status": .string(run.status.rawValue), "trigger": .string(run.trigger.rawValue), "queued_at": iso(run.queuedAt),
            "started_at": run.startedAt.map(iso) ?? .null, "finished_at": run.finishedAt.map(iso) ?? .null,
            "error": run.error.map(JSON.string) ?? .null, "failed_step": run.failedShapeID.map(JSON.string) ?? .null,
            "origin_run": run.originRunID.map(number) ?? .null, "entry_step": run.entryShapeID.map(JSON.string) ?? .null,
            "has_warnings": .bool(run.hasWarnings), "pickups": number(run.claims), "payloads_expired": .bool(run.payloadsExpired),
            "trace_id": run.traceID.map(JSON.string) ?? .null,
        ]
    }

    /// A run with `recovered_by`: the run replayed or retried from it that succeeded (null when none).
    static func run(_ run: RunRecord, recoveredBy: RunID?) -> JSON {
        var object = self.run(run).objectValue ?? [:]
        object["recovered_by"] = recoveredBy.map(number) ?? .null
        return .object(object)
    }

    static func step(_ step: StepRecord) -> JSON {
        [
            "sequence": number(step.sequence), "shape": .string(step.shapeID), "type": .string(step.shapeType),
            "status": .string(step.status.rawValue), "attempts": number(step.attempts), "started_at": iso(step.startedAt),
            "finished_at": step.finishedAt.map(iso) ?? .null,
            "duration_ms": step.finishedAt.map { .number(($0.timeIntervalSince(step.startedAt) * 1000).rounded()) } ?? .null,
            "payloads_in": number(step.inputCount), "payloads_out": number(step.outputCount),
            "bytes_in": number(step.inputBytes), "bytes_out": number(step.outputBytes), "error": step.error.map(JSON.string) ?? .null,
            "error_details": step.errorDetails ?? .null, "warnings": .array(step.warnings.map(JSON.string)), "calls": .array(step.calls),
        ]
    }

    static func payloadInfo(_ info: PayloadInfo) -> JSON {
        [
            "run": number(info.runID), "sequence": number(info.sequence), "index": number(info.index),
            "content_type": .string(info.contentType), "size": number(info.size), "stored_size": number(info.storedSize),
        ]
    }

    /// A flow; with `sourceFor` a role, its file as that role may read it (`FlowSourceView`).
    static func flow(_ flow: DeployedFlow, sourceFor role: Role? = nil) -> JSON {
        var object: JSON.Object = [
            "id": .string(flow.flowID), "version": number(flow.version), "enabled": .bool(flow.enabled),
            "deployed_at": iso(flow.deployedAt), "trigger": .string(flow.definition.trigger.kind),
            "priority": number(flow.definition.priority),
            "shapes": .array(
                flow.definition.shapes.map { shape in
                    ["id": .string(shape.id), "type": .string(shape.type), "skip": .bool(shape.skip)]
                }),
        ]
        if let role { object["source"] = .string(FlowSourceView.text(of: flow, for: role)) }
        return .object(object)
    }

    static func syncEntry(_ entry: SyncEntry) -> JSON {
        [
            "sync_id": number(entry.id), "status": .string(entry.status.rawValue), "system": .string(entry.system),
            "reference": .string(entry.reference), "source_id": .string(entry.sourceID), "endpoint_id": .string(entry.endpointID),
            "flow": .string(entry.flowID), "flow_version": number(entry.flowVersion), "run": number(entry.runID),
            "step": .string(entry.shapeID), "attempts": number(entry.attempts),
            "first_attempt": iso(entry.firstAttemptAt), "latest_attempt": iso(entry.latestAttemptAt),
            "next_retry": entry.nextRetryAt.map(iso) ?? .null, "latest_sync_information": .string(entry.latestResponse),
            "payload_size": number(entry.payloadSize),
        ]
    }

    /// One attempt to send a sync entry (the fields of `skein sync show --json`'s `attempts`).
    static func syncAttempt(_ attempt: SyncAttemptRecord) -> JSON {
        [
            "attempt": number(attempt.number), "at": iso(attempt.at), "status": .string(attempt.status.rawValue),
            "reason": .string(attempt.reason), "response": .string(attempt.response), "endpoint_id": .string(attempt.endpointID),
            "manual": .bool(attempt.manual),
        ]
    }

    /// Counts by status, every status present (0 when none).
    static func counts<Status: RawRepresentable & CaseIterable & Hashable>(_ counts: [Status: Int]) -> JSON where Status.RawValue == String {
        .object(.init(uniqueKeysWithValues: Status.allCases.map { ($0.rawValue, number(counts[$0] ?? 0)) }))
    }

    static func failureGroup(_ group: RunOperations.FailureGroup) -> JSON {
        [
            "error": .string(group.error), "example": .string(group.example), "count": number(group.count),
            "flows": .array(group.flows.map(JSON.string)), "steps": .array(group.steps.map(JSON.string)),
            "runs": .array(group.runs.map(number)),
        ]
    }

    static func user(_ user: UserRecord) -> JSON {
        ["username": .string(user.username), "role": .string(user.role), "created_at": iso(user.createdAt)]
    }

    static func token(_ token: APITokenRecord) -> JSON {
        [
            "id": number(token.id), "name": .string(token.name), "username": .string(token.username), "role": .string(token.role),
            "created_at": iso(token.createdAt), "last_used_at": token.lastUsedAt.map(iso) ?? .null,
        ]
    }

    static func audit(_ entry: AuditEntry) -> JSON {
        [
            "id": number(entry.id), "at": iso(entry.at), "actor": .string(entry.actor), "action": .string(entry.action),
            "target": .string(entry.target), "details": entry.details,
        ]
    }
}
