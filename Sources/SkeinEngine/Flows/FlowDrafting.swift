public import Foundation
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// Drafts, deploys, rollbacks and diffs of flows: the use cases the API, the web UI and
/// `skein flow draft|rollback|diff` share (callers check the caller's role first).
///
/// Edits go into the flow's draft; deploying makes the draft's text the flow's next version;
/// deployed versions are never edited; a rollback deploys an old version's text as the next
/// version. Deploys and rollbacks are written to the audit log with who did them.
public struct FlowDrafting: Sendable {
    public typealias Store = FlowReader & FlowWriter & FlowDraftStore & AuditLog

    let store: any Store
    /// The shape types a deploy accepts (the engine's catalog, with connectors).
    let catalog: ShapeCatalog
    let now: @Sendable () -> Date

    public init(store: any Store, catalog: ShapeCatalog, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.catalog = catalog
        self.now = now
    }

    /// What the editor opens: the draft when there is one, else the latest version's text.
    public struct Working: Sendable {
        public var flowID: String
        public var source: String
        /// The saved draft, or nil when `source` is the latest deployed version's text.
        public var draft: FlowDraft?
        /// The latest deployed version; nil for a flow never deployed.
        public var latestVersion: Int?
        /// Every problem `skein flow validate` reports for `source`, with its path.
        public var problems: [FlowProblem]
    }

    /// The flow's draft, or its latest version when it has no draft.
    public func working(_ flowID: String) async throws -> Working {
        let latest = try await store.flow(id: flowID, version: nil)
        if let draft = try await store.draft(of: flowID) {
            return Working(flowID: flowID, source: draft.source, draft: draft, latestVersion: latest?.version, problems: problems(draft.source))
        }
        guard let latest else { throw FlowDraftError(.notFound, "no flow '\(flowID)' and no draft of it") }
        return Working(flowID: flowID, source: latest.source, draft: nil, latestVersion: latest.version, problems: problems(latest.source))
    }

    /// Every problem with a flow file's text, located as `skein flow validate` locates them.
    public func problems(_ text: String) -> [FlowProblem] {
        do { _ = try FlowFile.decode(text, source: nil, catalog: catalog) } catch { return error.problems }
        return []
    }

    /// Saves `text` as the draft of `flowID` (nil: the flow the text names, for a new flow).
    /// The text is kept verbatim even while it has problems; they are returned with the draft.
    /// A draft keeps the version it was started from (the latest when first saved).
    public func save(_ flowID: String?, text: String, actor: String) async throws -> Working {
        guard text.utf8.count <= FlowFile.maximumBytes else {
            throw FlowDraftError(.invalid, "a flow file is at most \(FlowFile.maximumBytes) bytes; this one is \(text.utf8.count)")
        }
        let named = Self.declaredID(text)
        guard let id = flowID ?? named else {
            throw FlowDraftError(.invalid, "id: a new flow's text must name it (`id: my-flow`)")
        }
        if let named, named != id {
            throw FlowDraftError(
                .invalid, "id: the text names flow '\(named)' but this is the draft of '\(id)'; a flow's id never changes (copy it as a new flow instead)")
        }
        guard id.utf8.count <= 100, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }),
            let first = id.first, first != "-", first != "_"
        else {
            throw FlowDraftError(.invalid, "id: '\(id)' must be lowercase letters, digits, '-' and '_', starting with a letter or digit")
        }
        let latest = try await store.flow(id: id, version: nil)
        let earlier = try await store.draft(of: id)
        let draft = FlowDraft(
            flowID: id, source: text, baseVersion: earlier.map(\.baseVersion) ?? latest?.version,
            updatedBy: actor, updatedAt: now())
        try await store.saveDraft(draft)
        return Working(flowID: id, source: text, draft: draft, latestVersion: latest?.version, problems: problems(text))
    }

    /// Throws the draft away (the deployed versions stay as they are). False when there was none.
    public func discard(_ flowID: String, actor: String) async throws -> Bool {
        let removed = try await store.deleteDraft(of: flowID)
        if removed { _ = try await store.appendAudit(actor: actor, action: "flow.draft.discard", target: "flow:\(flowID)", details: [:], now: now()) }
        return removed
    }

    /// Deploys the draft as the flow's next version and removes it. Refused when the draft has
    /// problems, or when a version was deployed since the draft was started (unless `force`).
    public func deployDraft(_ flowID: String, actor: String, force: Bool = false) async throws -> (flow: DeployedFlow, isNew: Bool) {
        guard let draft = try await store.draft(of: flowID) else {
            throw FlowDraftError(.notFound, "flow '\(flowID)' has no draft to deploy")
        }
        let latest = try await store.flow(id: flowID, version: nil)
        if !force, let latest, latest.version != draft.baseVersion {
            throw FlowDraftError(
                .conflict,
                "version \(latest.version) of flow '\(flowID)' was deployed after this draft was started from "
                    + (draft.baseVersion.map { "version \($0)" } ?? "nothing")
                    + "; deploying would undo it — review the diff, then deploy with force, or discard the draft")
        }
        let deployed = try await deploy(
            draft.source, flowID: flowID, actor: actor, action: "flow.deploy",
            details: ["from": "draft", "base_version": draft.baseVersion.map { .number(Double($0)) } ?? .null])
        try await store.deleteDraft(of: flowID, ifSourceIs: draft.source)
        return deployed
    }

    /// Deploys version `version`'s text as the flow's next version ("roll back to v1" makes v3).
    public func rollback(_ flowID: String, to version: Int, actor: String) async throws -> (flow: DeployedFlow, isNew: Bool) {
        guard let latest = try await store.flow(id: flowID, version: nil) else { throw FlowDraftError(.notFound, "no flow '\(flowID)'") }
        guard let old = try await store.flow(id: flowID, version: version) else {
            throw FlowDraftError(.notFound, "flow '\(flowID)' has no version \(version) (its versions are 1 to \(latest.version))")
        }
        guard old.version != latest.version else {
            throw FlowDraftError(.invalid, "version \(version) is already flow '\(flowID)''s latest version")
        }
        return try await deploy(
            old.source, flowID: flowID, actor: actor, action: "flow.rollback",
            details: ["from_version": .number(Double(version)), "replaced_version": .number(Double(latest.version))])
    }

    /// Versions `from` and `to` of the flow compared shape by shape (nil `to`: the draft, or the latest version).
    public func diff(_ flowID: String, from: Int, to: Int?) async throws -> FlowDiff {
        guard let old = try await store.flow(id: flowID, version: from) else { throw FlowDraftError(.notFound, "flow '\(flowID)' has no version \(from)") }
        let newText: String
        if let to {
            guard let new = try await store.flow(id: flowID, version: to) else { throw FlowDraftError(.notFound, "flow '\(flowID)' has no version \(to)") }
            newText = new.source
        } else {
            newText = try await working(flowID).source
        }
        do { return try FlowDiff.between(old.source, newText) } catch {
            throw FlowDraftError(.invalidFlow, "the text does not read as a flow", problems: error.problems)
        }
    }

    /// Validates `text` against the catalog and stores it as the next version, audited as `action`.
    func deploy(_ text: String, flowID: String, actor: String, action: String, details: JSON.Object) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let definition: FlowDefinition
        do { definition = try FlowFile.decode(text, source: "flow '\(flowID)'", catalog: catalog) } catch {
            throw FlowDraftError(.invalidFlow, error.description, problems: error.problems)
        }
        let result = try await store.deploy(definition, source: text, now: now())
        if result.isNew {
            var details = details
            details["version"] = .number(Double(result.flow.version))
            _ = try await store.appendAudit(actor: actor, action: action, target: "flow:\(flowID)", details: .object(details), now: now())
        }
        return result
    }

    /// The `id:` a flow file's text declares, if it reads far enough to tell.
    static func declaredID(_ text: String) -> String? {
        (try? FlowFile.document(from: text))?.objectValue?["id"]?.stringValue
    }
}

/// Why a draft, deploy, rollback or diff was refused, with a code each front end maps to its own.
public struct FlowDraftError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case notFound, invalid, invalidFlow, conflict }
    public let code: Code
    public let message: String
    /// For `invalidFlow`: every problem with its path.
    public let problems: [FlowProblem]

    public init(_ code: Code, _ message: String, problems: [FlowProblem] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public var description: String { message }
}
