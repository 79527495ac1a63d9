import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `GET /runs/{run}/events`: server-sent events that keep a queued or running run's page up to
/// date until the run ends, without a reload. The page's script (`liveRun` in Script.swift)
/// opens it only for a run that has not ended.
///
/// Each `event: run` carries the run as it stands — status, error, warnings flag, and every
/// step's status, attempts and payload counts in and out — whenever that changed; the last is
/// `event: end`, sent once the run has ended, after which the server closes the stream (the
/// script closes its side too, so the browser does not reconnect). A run that has already ended
/// gets its `end` at once.
///
/// Bounded, so open pages cannot hold a server's resources:
/// - the store is read once per `pollInterval` (1 s) per stream;
/// - a comment line every `heartbeat` (15 s) keeps proxies from closing a quiet stream;
/// - a stream lasts at most `maximumDuration` (30 min); the browser then reconnects on its own;
/// - at most `maximumStreams` (64) streams are open per server process; one more is answered
///   503 `unavailable` with `Retry-After`, and the page stays as it was rendered.
struct RunEventStream: Sendable {
    let ui: UIController
    let identity: Identity

    static let pollInterval: Duration = .seconds(1)
    static let heartbeat: Duration = .seconds(15)
    static let maximumDuration: Duration = .seconds(30 * 60)
    static let maximumStreams = 64

    func response(_ context: SkeinRequestContext) async throws -> Response {
        guard let id = context.parameters.get("run").flatMap(RunID.init) else {
            throw APIError(.notFound, "there is no run \(context.parameters.get("run") ?? "")")
        }
        let runs = ui.operations.runs
        let identity = identity
        _ = try await runs.detail(identity, id)  // not_found (or forbidden) before any stream opens
        guard ui.runEvents.enter(limit: Self.maximumStreams) else {
            let error = APIError(.unavailable, "too many live run pages are open on this server (at most \(Self.maximumStreams)); reload later")
            var response = JSONResponse.make(status: .serviceUnavailable, error.json)
            response.headers[.retryAfter] = "30"
            return response
        }
        let gate = ui.runEvents
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            defer { gate.leave() }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: Self.maximumDuration)
            var lastSent: String?
            var lastWrite = clock.now
            // Tell the browser how long to wait before reconnecting after maximumDuration.
            try await writer.write(ByteBuffer(string: "retry: 5000\n\n"))
            while clock.now < deadline {
                let detail = try await runs.detail(identity, id)
                let snapshot = Self.snapshot(detail).serialized()
                let ended = !(detail.run.status == .queued || detail.run.status == .started)
                if ended {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: \(snapshot)\n\n"))
                    break
                }
                if snapshot != lastSent {
                    try await writer.write(ByteBuffer(string: "event: run\ndata: \(snapshot)\n\n"))
                    lastSent = snapshot
                    lastWrite = clock.now
                } else if clock.now - lastWrite >= Self.heartbeat {
                    try await writer.write(ByteBuffer(string: ": still running\n\n"))
                    lastWrite = clock.now
                }
                try await Task.sleep(for: Self.pollInterval)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The run as the page's script applies it (one line of JSON: SSE data has no newlines).
    static func snapshot(_ detail: RunOperations.Detail) -> JSON {
        let run = detail.run
        return [
            "run": .number(Double(run.id.rawValue)), "status": .string(run.status.rawValue), "error": run.error.map(JSON.string) ?? .null,
            "has_warnings": .bool(run.hasWarnings),
            "steps": .array(
                detail.steps.map { step in
                    [
                        "sequence": .number(Double(step.sequence)), "shape": .string(step.shapeID), "type": .string(step.shapeType),
                        "status": .string(step.status.rawValue), "attempts": .number(Double(step.attempts)),
                        "payloads_in": .number(Double(step.inputCount)), "payloads_out": .number(Double(step.outputCount)),
                        "warnings": .number(Double(step.warnings.count)), "error": step.error.map(JSON.string) ?? .null,
                    ]
                }),
        ]
    }
}

/// How many run event streams are open in this process (`RunEventStream.maximumStreams`).
final class RunEventGate: Sendable {
    private let open = LockedValue(0)

    /// Takes a place when fewer than `limit` are taken.
    func enter(limit: Int) -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { open.withLock { $0 -= 1 } }

    var count: Int { open.withLock { $0 } }
}
