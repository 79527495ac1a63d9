import Foundation
public import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// The sync report: pages, counts, one entry with its history, every match streamed (CSV),
/// resync of chosen entries or of every match (with a preview), and confirmation of Sent ones.
public struct SyncOperations: Sendable {
    let store: any SyncStore
    let resender: SyncResender?
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// The most entries one resync sends again through the API, the UI or MCP (a bigger backlog:
    /// several requests, or `skein sync resync`, which has no cap).
    public static let maximumResync = 10_000

    /// The query `SyncFilter` reads from `parameters`.
    public func query(_ parameters: Inputs, defaultLimit: Int = 50) throws(OperationError) -> SyncQuery {
        try SyncFilter.query(parameters, now: now(), defaultLimit: defaultLimit)
    }

    /// A page of entries matching `SyncFilter`'s parameters.
    public func entries(_ caller: Identity?, _ parameters: Inputs, defaultLimit: Int = 50) async throws -> SyncPage {
        try Permission.read.require(caller)
        return try await store.syncEntries(try query(parameters, defaultLimit: defaultLimit))
    }

    /// How many entries of the window and filters have each status (the status filter is ignored).
    public func counts(_ caller: Identity?, _ parameters: Inputs) async throws -> [SyncStatus: Int] {
        try Permission.read.require(caller)
        return try await store.syncCounts(try query(parameters))
    }

    /// Every entry matching (all pages, from `after`), `batchSize` at a time, from one read.
    public func stream(
        _ caller: Identity?, _ parameters: Inputs, batchSize: Int = 1000,
        _ body: @escaping @Sendable ([SyncEntry]) throws -> Void
    ) async throws {
        try Permission.read.require(caller)
        try await store.streamSyncEntries(try query(parameters), batchSize: batchSize, body)
    }

    /// One entry with its status history, every delivery attempt, and the payload as it was sent.
    public struct Detail: Sendable {
        public var entry: SyncEntry
        public var transitions: [SyncTransition]
        public var payload: Payload?
        /// Every attempt with the destination's answer (none for entries older than the attempt log).
        public var attempts: [SyncAttemptRecord] = []
    }

    public func detail(_ caller: Identity?, _ id: SyncEntryID) async throws -> Detail {
        try Permission.read.require(caller)
        let entry = try await self.entry(id)
        return Detail(
            entry: entry, transitions: try await store.syncTransitions(entryID: id), payload: try await store.syncPayload(entryID: id),
            attempts: try await store.syncAttempts(entryID: id))
    }

    public func transitions(_ caller: Identity?, _ id: SyncEntryID) async throws -> [SyncTransition] {
        try Permission.read.require(caller)
        return try await store.syncTransitions(entryID: try await entry(id).id)
    }

    /// Every attempt to send the entry, first to latest: time, resulting status, reason, the
    /// destination's answer and the endpoint id learnt.
    public func attempts(_ caller: Identity?, _ id: SyncEntryID) async throws -> [SyncAttemptRecord] {
        try Permission.read.require(caller)
        return try await store.syncAttempts(entryID: try await entry(id).id)
    }

    // MARK: - Resync

    /// What to send again: chosen entries, or every entry a filter matches.
    public enum Selection: Sendable {
        case ids([SyncEntryID])
        case matching(Inputs)

        /// From `ids` (sync ids) or the `SyncFilter` names, not both and not neither.
        public static func parse(_ parameters: Inputs) throws(OperationError) -> Selection {
            let ids = parameters.list("ids")
            let filtered = parameters.hasAny(SyncFilter.filterNames)
            if !ids.isEmpty && filtered { throw .invalid("ids", "give either sync ids or filters, not both") }
            if ids.isEmpty && !filtered {
                throw .invalid("ids", "give sync ids, or filters such as status=failed to resync every matching entry")
            }
            if ids.isEmpty { return .matching(parameters) }
            var parsed: [SyncEntryID] = []
            for text in ids {
                guard let number = Int64(text), number >= 0 else { throw .invalid("ids", "ids must be whole numbers (sync ids), found '\(text)'") }
                parsed.append(SyncEntryID(number))
            }
            return .ids(parsed)
        }
    }

    /// What a resync did (or would do): each entry as it is afterwards, and the tally by status.
    public struct ResyncOutcome: Sendable {
        public var entries: [SyncEntry]
        public var tally: [SyncStatus: Int]
        public var count: Int { entries.count }
    }

    /// Sends entries again through the same step and instance (operator): a new attempt on the
    /// same entry. OK entries are sent again only with `includeOK` (the API's default; the CLI
    /// asks for `--include-ok`): a filter then leaves them out, chosen ids are refused; at most `limit` entries, lowest ids first. `each` hears about every entry.
    public func resync(
        _ caller: Identity?, _ selection: Selection, includeOK: Bool = true, limit: Int = maximumResync,
        each: (SyncEntry) async throws -> Void = { _ in }
    ) async throws -> ResyncOutcome {
        let caller = try Permission.operate.require(caller)
        guard let resender else { throw OperationError(.misconfigured, "this server cannot send sync entries again") }
        var outcome = ResyncOutcome(entries: [], tally: [:])
        func record(_ entry: SyncEntry) async throws {
            outcome.entries.append(entry)
            outcome.tally[entry.status, default: 0] += 1
            try await each(entry)
        }
        var auditDetails: JSON.Object = [:]
        switch selection {
        case .ids(let ids):
            guard ids.count <= limit else { throw OperationError.invalid("ids", "at most \(limit) ids per request") }
            for id in ids where try await entry(id).status == .ok && !includeOK {
                throw OperationError(
                    .conflict,
                    "sync entry \(id) is OK: the destination accepted it. Sending it again delivers it twice "
                        + "unless the destination de-duplicates; add --include-ok (include_ok) to send it anyway")
            }
            for id in ids { try await record(try await resender.resend(id: id, manual: true)) }
        case .matching(let parameters):
            var query = try self.query(parameters)
            if !includeOK { query.statuses = (query.statuses.isEmpty ? SyncStatus.allCases : query.statuses).filter { $0 != .ok } }
            if query.statuses.isEmpty && !includeOK { return outcome }
            try await resender.resendAll(matching: query, limit: limit) { try await record($0) }
            auditDetails["filter"] = .object(
                .init(
                    uniqueKeysWithValues: parameters.values.sorted { $0.key < $1.key }.map {
                        ($0.key, .array($0.value.map(JSON.string)))
                    }))
        }
        let ids = outcome.entries.map(\.id)
        if !ids.isEmpty {
            auditDetails["ids"] = .array(ids.prefix(1000).map { .number(Double($0.rawValue)) })
            auditDetails["count"] = .number(Double(ids.count))
            try await audit.record(
                caller, "sync.resync", target: ids.count == 1 ? "sync:\(ids[0])" : "sync:\(ids.count) entries",
                details: auditDetails)
        }
        return outcome
    }

    /// `selection` without its OK entries: what the web UI resends when OK entries are not
    /// ticked (a filter leaves them out in `resync` itself, with `includeOK` false).
    public func leavingOutOK(_ caller: Identity?, _ selection: Selection) async throws -> Selection {
        try Permission.read.require(caller)
        guard case .ids(let ids) = selection else { return selection }
        var kept: [SyncEntryID] = []
        for id in ids where try await entry(id).status != .ok { kept.append(id) }
        return .ids(kept)
    }

    /// What a resync of `selection` would send: the entries of the window and filters by status
    /// (status filter left out), and how many would be sent (at most `maximumResync` per request).
    public struct ResyncPreview: Sendable {
        public var byStatus: [SyncStatus: Int]
        public var toResend: Int
    }

    public func previewResync(_ caller: Identity?, _ selection: Selection, includeOK: Bool = true) async throws -> ResyncPreview {
        try Permission.read.require(caller)
        switch selection {
        case .ids(let ids):
            var byStatus: [SyncStatus: Int] = [:]
            for id in ids { byStatus[try await entry(id).status, default: 0] += 1 }
            return ResyncPreview(byStatus: byStatus, toResend: ids.count)
        case .matching(let parameters):
            let query = try self.query(parameters)
            let byStatus = try await store.syncCounts(query)
            let statuses = (query.statuses.isEmpty ? SyncStatus.allCases : query.statuses).filter { includeOK || $0 != .ok }
            return ResyncPreview(byStatus: byStatus, toResend: statuses.reduce(0) { $0 + (byStatus[$1] ?? 0) })
        }
    }

    /// Sent → OK for the given entries: the destination confirmed it received them (operator).
    /// Returns the ids now OK and those that were not Sent (or do not exist).
    public func confirm(_ caller: Identity?, _ ids: [SyncEntryID], reason: String) async throws -> (confirmed: [SyncEntryID], notSent: [SyncEntryID]) {
        let caller = try Permission.operate.require(caller)
        let confirmed = try await store.confirmSync(ids: ids, reason: reason, now: now())
        if !confirmed.isEmpty {
            try await audit.record(
                caller, "sync.confirm", target: confirmed.count == 1 ? "sync:\(confirmed[0])" : "sync:\(confirmed.count) entries",
                details: ["ids": .array(confirmed.prefix(1000).map { .number(Double($0.rawValue)) }), "reason": .string(reason)])
        }
        return (confirmed, ids.filter { !confirmed.contains($0) })
    }

    func entry(_ id: SyncEntryID) async throws -> SyncEntry {
        guard let entry = try await store.syncEntry(id: id) else { throw OperationError.notFound("no sync entry \(id)") }
        return entry
    }
}
