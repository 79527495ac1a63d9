import Foundation
public import SkeinCore
import SkeinStorage

/// The run log: list and read runs with their steps and payloads, stop a run.
public struct RunOperations: Sendable {
    let store: any FlowReader & RunLogReader & RunQueue & SyncReportReader
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// A page of runs, newest first, and the `before` of the next page (nil on the last).
    public struct Page: Sendable {
        public var runs: [RunRecord]
        public var nextBefore: RunID?
        /// The failed runs of the page that a later replay or retry recovered, each with the
        /// first run made from it that succeeded (every front end marks them).
        public var recoveredBy: [RunID: RunID] = [:]
    }

    /// Runs matching `RunFilter`'s parameters, failed ones marked when a later run recovered them.
    public func list(_ caller: Identity?, _ parameters: Inputs, defaultLimit: Int = 50) async throws -> Page {
        try Permission.read.require(caller)
        let query = try RunFilter.query(parameters, now: now(), defaultLimit: defaultLimit)
        let runs = try await store.runs(query)
        let failed = query.unrecovered ? [] : runs.filter { $0.status == .failure }.map(\.id)
        return Page(
            runs: runs, nextBefore: runs.count == query.limit ? runs.last?.id : nil,
            recoveredBy: try await store.recoveries(of: failed))
    }

    /// One run with everything its page shows.
    public struct Detail: Sendable {
        public var run: RunRecord
        /// Its steps; a step still running has its `path` from the flow version the run runs.
        public var steps: [StepRecord]
        /// The payloads the run started with.
        public var inputs: [PayloadInfo]
        /// Runs replayed or retried from it (and flows it called), oldest first.
        public var followUps: [RunRecord]

        /// The first follow-up that succeeded, when the run failed: the run that recovered it.
        public var recoveredBy: RunID? {
            run.status == .failure ? followUps.first { $0.status == .success && $0.originRunID == run.id }?.id : nil
        }
    }

    public func detail(_ caller: Identity?, _ id: RunID) async throws -> Detail {
        try Permission.read.require(caller)
        let run = try await record(id)
        // A step still running has not written its path yet: it comes from the flow version the run runs.
        let definition = try await store.flow(id: run.flowID, version: run.flowVersion)?.definition
        let steps = try await store.steps(runID: id).map { step in
            var step = step
            if step.path == nil { step.path = definition?.path(of: step.shapeID) }
            return step
        }
        return Detail(
            run: run, steps: steps, inputs: try await store.payloadInfos(of: .input(of: id)),
            followUps: try await store.runs(RunQuery(originRunID: id, limit: 1000)).reversed())
    }

    public func steps(_ caller: Identity?, _ id: RunID) async throws -> [StepRecord] {
        try Permission.read.require(caller)
        return try await store.steps(runID: try await record(id).id)
    }

    /// Asks a queued or running run to stop before its next step (operator).
    public func stop(_ caller: Identity?, _ id: RunID) async throws -> RunRecord {
        let caller = try Permission.operate.require(caller)
        let run = try await record(id)
        guard try await store.requestStop(runID: id, now: now()) else {
            throw OperationError.conflict("run \(id) is \(run.status.rawValue); only queued or running runs can be stopped")
        }
        try await audit.record(caller, "run.stop", target: "run:\(id)")
        return run
    }

    // MARK: - Payloads

    /// The payloads of one step (`step`: a shape id, a step number, or `input` for what the run started with).
    public struct StepPayloads: Sendable {
        public var run: RunRecord
        public var sequence: Int
        public var infos: [PayloadInfo]
    }

    public func payloads(_ caller: Identity?, run id: RunID, step: String) async throws -> StepPayloads {
        try Permission.read.require(caller)
        let run = try await record(id)
        let sequence = try await self.sequence(of: step, in: run)
        return StepPayloads(run: run, sequence: sequence, infos: try await store.payloadInfos(of: StepID(run: id, sequence: sequence)))
    }

    /// One stored payload, with its facts.
    public struct StoredPayload: Sendable {
        public var run: RunRecord
        public var sequence: Int
        public var index: Int
        /// How many payloads the step has.
        public var count: Int
        public var info: PayloadInfo
        public var payload: Payload
    }

    public func payload(_ caller: Identity?, run id: RunID, step: String, index: Int) async throws -> StoredPayload {
        let located = try await payloads(caller, run: id, step: step)
        let (run, sequence, infos) = (located.run, located.sequence, located.infos)
        if infos.isEmpty && run.payloadsExpired {
            throw OperationError.notFound("the payloads of run \(run.id) have expired (retention); its log remains")
        }
        guard index >= 0, index < infos.count, let payload = try await store.payload(of: StepID(run: run.id, sequence: sequence), index: index) else {
            throw OperationError.notFound(
                "step '\(step)' of run \(run.id) has \(infos.count) payload\(infos.count == 1 ? "" : "s"); there is no index \(index)")
        }
        return StoredPayload(run: run, sequence: sequence, index: index, count: infos.count, info: infos[index], payload: payload)
    }

    /// A payload as people read it: JSON pretty-printed when it is JSON and the whole of it
    /// fits in `limit` bytes, else the stored text; cut after `limit` bytes (on a character
    /// boundary) from `offset`.
    public struct View: Sendable {
        public var stored: StoredPayload
        public var text: String
        public var pretty: Bool
        /// Whether bytes after the view were left out.
        public var trimmed: Bool
        /// Where the view starts in the stored bytes, and how many it shows.
        public var offset: Int
        public var length: Int
    }

    /// The most a view shows when no limit is given.
    public static let defaultViewLimit = 65_536
    public static let maximumViewLimit = 100 * 1024 * 1024

    public func view(_ caller: Identity?, run id: RunID, step: String, index: Int, limit: Int = defaultViewLimit, offset: Int = 0) async throws -> View {
        guard (1...Self.maximumViewLimit).contains(limit) else {
            throw OperationError.invalid("limit", "limit must be a whole number from 1 to \(Self.maximumViewLimit), found '\(limit)'")
        }
        let stored = try await payload(caller, run: id, step: step, index: index)
        var bytes = stored.payload.bytes()
        guard offset >= 0, offset <= bytes.count else {
            throw OperationError.invalid("offset", "offset must be from 0 to the payload's \(bytes.count) bytes, found '\(offset)'")
        }
        if offset == 0, stored.payload.isJSON, bytes.count <= limit, let json = try? stored.payload.json() {
            let text = json.serialized(.pretty)
            return View(stored: stored, text: text, pretty: true, trimmed: false, offset: 0, length: bytes.count)
        }
        if offset > 0 { bytes = Array(bytes[offset...]) }
        let trimmed = bytes.count > limit
        var text = String(decoding: trimmed ? Array(bytes.prefix(limit)) : bytes, as: UTF8.self)
        if trimmed, text.last == "\u{FFFD}" { text.removeLast() }
        return View(stored: stored, text: text, pretty: false, trimmed: trimmed, offset: offset, length: min(limit, bytes.count))
    }

    // MARK: - Failures

    /// Failed runs of a period grouped by their error: what an operator (or their assistant)
    /// looks at first after a bad night.
    public struct FailureGroup: Sendable {
        /// The error, with numbers and quoted values blanked out so that one cause is one group.
        public var error: String
        /// One full error message of the group, as stored.
        public var example: String
        public var count: Int
        /// The flows and failed steps it happened in.
        public var flows: [String]
        public var steps: [String]
        /// The newest runs of the group (at most 10).
        public var runs: [RunID]
    }

    /// The failed runs matching `RunFilter`'s parameters (status is set to failure), grouped by
    /// error, the largest group first; at most `scan` runs are read.
    public func failures(_ caller: Identity?, _ parameters: Inputs, scan: Int = 5000) async throws -> (groups: [FailureGroup], runs: Int) {
        try Permission.read.require(caller)
        var parameters = parameters
        parameters["status"] = ["failure"]
        _ = try RunFilter.query(parameters, now: now())  // a bad filter, `limit` included, is refused, not ignored
        parameters.set("limit", nil)
        var query = try RunFilter.query(parameters, now: now())
        query.limit = min(scan, 500)
        var groups: [String: FailureGroup] = [:]
        var order: [String] = []
        var seen = 0
        while seen < scan {
            let page = try await store.runs(query)
            for run in page {
                let message = run.error ?? "(no error recorded)"
                let key = Self.errorShape(message)
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = FailureGroup(error: key, example: message, count: 0, flows: [], steps: [], runs: [])
                }
                groups[key]!.count += 1
                if !groups[key]!.flows.contains(run.flowID) { groups[key]!.flows.append(run.flowID) }
                if let step = run.failedShapeID, !groups[key]!.steps.contains(step) { groups[key]!.steps.append(step) }
                if groups[key]!.runs.count < 10 { groups[key]!.runs.append(run.id) }
            }
            seen += page.count
            guard page.count == query.limit, let last = page.last else { break }
            query.before = last.id
        }
        let sorted = order.compactMap { groups[$0] }.sorted { $0.count > $1.count }
        return (sorted, seen)
    }

    /// `order 1042 refused: "SKU-9" is unknown` → `order # refused: "…" is unknown` (double quotes only:
    /// an apostrophe is part of a word).
    static func errorShape(_ message: String) -> String {
        var shape = ""
        var inQuote: Character?
        var lastWasDigit = false
        for character in message.prefix(500) {
            if let quote = inQuote {
                if character == quote { inQuote = nil; shape.append("…"); shape.append(character) }
                continue
            }
            if character == "\"" { inQuote = character; shape.append(character); continue }
            if character.isNumber {
                if !lastWasDigit { shape.append("#") }
                lastWasDigit = true
                continue
            }
            lastWasDigit = false
            shape.append(character)
        }
        return shape
    }

    // MARK: - Lookups

    /// The run, or `not_found`.
    func record(_ id: RunID) async throws -> RunRecord {
        guard let run = try await store.run(id: id) else { throw OperationError.notFound("no run \(id)") }
        return run
    }

    /// The step number of `step` — a shape id (its latest step), a step number, or `input`/`0`.
    func sequence(of step: String, in run: RunRecord) async throws -> Int {
        if step == "input" || step == "0" { return 0 }
        let steps = try await store.steps(runID: run.id)
        if let number = Int(step), steps.contains(where: { $0.sequence == number }) { return number }
        guard let match = steps.last(where: { $0.shapeID == step }) else {
            throw OperationError.notFound("run \(run.id) has no step '\(step)'; its steps are \(steps.map(\.shapeID).joined(separator: ", "))")
        }
        return match.sequence
    }
}
