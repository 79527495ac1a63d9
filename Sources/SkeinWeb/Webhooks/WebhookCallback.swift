import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The answer of a callback webhook (`respond:` on the trigger): the request waits while a
/// worker — in this process or another one sharing the store — executes the run, then gets the
/// payloads of the chosen step.
///
/// The run and its payload are committed before the wait starts, so nothing is lost if the
/// caller gives up or the server dies while it waits. Waiting is polling the store for the
/// run's status, which works whichever process executes the run.
///
/// - success or partial success: 200 with the step's payload as it is (its own content type)
///   when it produced one, else a JSON array of them (`[]` when the step did not run);
/// - failure or stop: 502 `{"run", "status", "error": {"code": "run_failed", "message"}}`;
/// - still running after `timeout`: 202 `{"run", "status"}`, as a plain webhook answers.
///
/// Every answer carries `X-Skein-Run: <run id>`.
struct WebhookCallback: Sendable {
    let store: any RunLogReader
    /// The first pause between two looks at the run; it grows to `maximumPoll`.
    var firstPoll: Duration = .milliseconds(20)
    var maximumPoll: Duration = .milliseconds(200)

    static let runHeader = HTTPFields.Element.Name("X-Skein-Run")!

    func answer(runID: RunID, respond: WebhookResponse) async throws -> Response {
        let deadline = ContinuousClock.now + respond.timeout
        var pause = firstPoll
        var run = try await store.run(id: runID)
        while let current = run, !current.status.isTerminal, ContinuousClock.now < deadline {
            try await Task.sleep(for: min(pause, deadline - ContinuousClock.now))
            pause = min(pause * 2, maximumPoll)
            run = try await store.run(id: runID)
        }
        guard let run else { throw APIError(.internalError, "run \(runID) was accepted but can no longer be read") }
        switch run.status {
        case .success, .partialSuccess:
            return try await payloadResponse(run: run, stepID: respond.stepID)
        case .failure, .stopped:
            return tagged(
                JSONResponse.make(
                    status: .badGateway,
                    [
                        "run": .number(Double(run.id.rawValue)), "status": .string(run.status.rawValue),
                        "error": ["code": "run_failed", "message": .string("the flow did not finish successfully; its log is run \(run.id)")],
                    ]), run.id)
        case .queued, .started:
            return tagged(JSONResponse.make(status: .accepted, ["run": .number(Double(run.id.rawValue)), "status": .string(run.status.rawValue)]), run.id)
        }
    }

    private func payloadResponse(run: RunRecord, stepID: String) async throws -> Response {
        let step = try await store.steps(runID: run.id).last { $0.shapeID == stepID }
        var payloads: [Payload] = []
        if let step { payloads = try await store.payloads(of: StepID(run: run.id, sequence: step.sequence)) }
        if payloads.count == 1, let payload = payloads.first {
            return tagged(
                Response(
                    status: .ok, headers: [.contentType: payload.contentType],
                    body: .init(byteBuffer: ByteBuffer(bytes: payload.bytes()))), run.id)
        }
        let items: [JSON] = payloads.map { payload in
            (try? payload.json()) ?? .string(String(decoding: payload.bytes(), as: UTF8.self))
        }
        return tagged(JSONResponse.make(status: .ok, .array(items)), run.id)
    }

    private func tagged(_ response: Response, _ runID: RunID) -> Response {
        var response = response
        response.headers[Self.runHeader] = String(runID)
        return response
    }
}
