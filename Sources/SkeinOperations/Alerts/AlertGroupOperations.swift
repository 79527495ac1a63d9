import Foundation
public import SkeinCore
public import SkeinJSON
public import SkeinStorage

/// Notification groups, once for every front end (`skein alert-group`, `/api/v1/alert-groups`,
/// the web UI's Alerts page): list and show them with the flows that name them, create, update
/// and delete them, and read the alerts recently sent.
///
/// Reading needs `Permission.read` (viewers and operators see groups); changing needs
/// `Permission.build` (builders and admins), as instances do. Every change is written to the
/// audit log (`alert_group.create`, `alert_group.update`, `alert_group.delete`).
///
/// Webhook URLs carry their secret in the path (Slack, Teams), so like instance credentials
/// they are write-only: what this returns for showing (`json`, `Listing.maskedWebhookURLs`)
/// holds only scheme, host and port (`https://hooks.slack.com/…`); an update either replaces
/// the URLs with the ones given or keeps the stored ones (`Change.webhookURLs` nil).
///
/// ```swift
/// let ops = operations.alertGroups
/// try await ops.create(caller, name: "ops", AlertGroupOperations.Change(emails: ["ops@example.com"]))
/// for listing in try await ops.list(caller) { print(listing.group.name, listing.flows) }
/// ```
public struct AlertGroupOperations: Sendable {
    /// What the group operations read and change.
    public typealias Store = AlertStore & InstanceReader & FlowReader & AuditLog

    let store: any Store
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// A group as the front ends show it: with the flows whose latest version names it.
    public struct Listing: Sendable, Equatable {
        public var group: AlertGroup
        /// Flow ids naming the group under `alerts:` (`on_failure` or `on_sync_failed`), sorted.
        public var flows: [String]

        /// The webhook URLs as they may be shown: scheme, host and port only.
        public var maskedWebhookURLs: [String] { group.webhookURLs.map(AlertDeliverySafety.safe) }
    }

    /// What a create or an update sets: every address and URL the group is to have.
    public struct Change: Sendable, Equatable {
        public var emails: [String]
        /// Every webhook URL the group is to have; nil keeps the stored ones on an update (they
        /// are never shown back, so a form or a `PUT` cannot repeat them) and means none on a create.
        public var webhookURLs: [String]?
        /// The `smtp` instance for the group's mail; nil or empty: the server's `alert_smtp_instance`.
        public var smtpInstance: String?

        public init(emails: [String] = [], webhookURLs: [String]? = [], smtpInstance: String? = nil) {
            self.emails = emails
            self.webhookURLs = webhookURLs
            self.smtpInstance = smtpInstance
        }
    }

    /// Every group by name, with the flows naming it (viewer).
    public func list(_ caller: Identity?) async throws -> [Listing] {
        try Permission.read.require(caller)
        let naming = try await flowsNaming()
        return try await store.alertGroups().map { Listing(group: $0, flows: naming[$0.name] ?? []) }
    }

    /// One group with the flows naming it (viewer); `not_found` when there is none.
    public func group(_ caller: Identity?, named name: String) async throws -> Listing {
        try Permission.read.require(caller)
        let group = try await existing(name)
        return Listing(group: group, flows: try await flowsNaming()[name] ?? [])
    }

    /// Creates the group (builder); `conflict` when the name is taken, `invalid_field` naming
    /// what is wrong with the name, addresses, URLs or instance.
    @discardableResult
    public func create(_ caller: Identity?, name: String, _ change: Change) async throws -> AlertGroup {
        let caller = try Permission.build.require(caller)
        let group = try await checked(name: name, change)
        if try await store.alertGroup(named: name) != nil {
            throw OperationError.conflict("alert group '\(name)' already exists (update it instead)")
        }
        try await store.saveAlertGroup(group)
        try await audit.record(caller, "alert_group.create", target: "alert_group:\(name)", details: Self.auditDetails(group))
        return group
    }

    /// Replaces the group's addresses, URLs and instance with `change` (builder); `not_found`
    /// when there is no such group.
    @discardableResult
    public func update(_ caller: Identity?, name: String, _ change: Change) async throws -> AlertGroup {
        let caller = try Permission.build.require(caller)
        let stored = try await existing(name)
        var change = change
        if change.webhookURLs == nil { change.webhookURLs = stored.webhookURLs }
        let group = try await checked(name: name, change)
        try await store.saveAlertGroup(group)
        try await audit.record(caller, "alert_group.update", target: "alert_group:\(name)", details: Self.auditDetails(group))
        return group
    }

    /// Deletes the group (builder); flows naming it then alert nobody through it (their alerts
    /// are written to the audit log as `alert.failed`). `not_found` when there is none.
    public func delete(_ caller: Identity?, name: String) async throws {
        let caller = try Permission.build.require(caller)
        guard try await store.deleteAlertGroup(named: name) else { throw Self.notFound(name) }
        try await audit.record(caller, "alert_group.delete", target: "alert_group:\(name)")
    }

    /// Groups that flows name but that do not exist (group name → the flows naming it), sorted
    /// by name: their failures alert nobody (viewer).
    public func missingGroups(_ caller: Identity?) async throws -> [(group: String, flows: [String])] {
        try Permission.read.require(caller)
        let known = Set(try await store.alertGroups().map(\.name))
        return try await flowsNaming().filter { !known.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The names of the `smtp` instances a group may send through (viewer), for forms.
    public func smtpInstances(_ caller: Identity?) async throws -> [String] {
        try Permission.read.require(caller)
        return try await store.storedInstances().filter { $0.connectorType == "smtp" }.map(\.name).sorted()
    }

    /// The newest alerts (`alert.sent`, `alert.digest`, `alert.failed`), newest first (viewer):
    /// what the Alerts page shows. Their details name groups, subjects and masked URLs, never a secret.
    public func recentAlerts(_ caller: Identity?, limit: Int = 20) async throws -> [AuditEntry] {
        try Permission.read.require(caller)
        return try await store.auditEntries(AuditQuery(action: "alert.", limit: min(max(limit, 1), 500)))
    }

    /// The group as JSON for the API and `--json`: webhook URLs masked, the flows naming it.
    public static func json(_ listing: Listing) -> JSON {
        let group = listing.group
        return [
            "name": .string(group.name), "emails": .array(group.emails.map(JSON.string)),
            "webhook_urls": .array(listing.maskedWebhookURLs.map(JSON.string)),
            "smtp_instance": group.smtpInstance.map(JSON.string) ?? .null, "flows": .array(listing.flows.map(JSON.string)),
            "updated_at": .string(ISO8601DateFormatter().string(from: group.updatedAt)),
        ]
    }

    // MARK: - Helpers

    func existing(_ name: String) async throws -> AlertGroup {
        guard let group = try await store.alertGroup(named: name) else { throw Self.notFound(name) }
        return group
    }

    static func notFound(_ name: String) -> OperationError {
        .notFound("there is no alert group '\(AlertGroup.shown(name))' (skein alert-group list shows them)")
    }

    /// The group `change` makes, or `invalid_field` naming the first field at fault and every problem.
    func checked(name: String, _ change: Change) async throws -> AlertGroup {
        let group = AlertGroup(
            name: name, emails: Self.unique(change.emails), webhookURLs: Self.unique(change.webhookURLs ?? []),
            smtpInstance: change.smtpInstance.flatMap { $0.isEmpty ? nil : $0 }, updatedAt: now())
        var problems = group.fieldProblems
        if let instance = group.smtpInstance {
            switch try await store.storedInstance(named: instance) {
            case nil:
                problems.append(
                    .init(
                        field: "smtp_instance",
                        message: "there is no instance '\(AlertGroup.shown(instance))' (skein instance add NAME --type smtp …)"))
            case let stored? where stored.connectorType != "smtp":
                problems.append(
                    .init(
                        field: "smtp_instance",
                        message: "instance '\(instance)' is a \(stored.connectorType) instance; alert mail needs an smtp instance"))
            default: break
            }
        }
        guard let first = problems.first else { return group }
        throw OperationError.invalid(first.field, "alert group '\(AlertGroup.shown(name))': " + problems.map(\.message).joined(separator: "; "))
    }

    /// What the audit log keeps of a change: counts and the instance, never an address or URL.
    static func auditDetails(_ group: AlertGroup) -> JSON.Object {
        [
            "emails": .number(Double(group.emails.count)), "webhook_urls": .number(Double(group.webhookURLs.count)),
            "smtp_instance": group.smtpInstance.map(JSON.string) ?? .null,
        ]
    }

    /// Group name → the flows whose latest version names it.
    func flowsNaming() async throws -> [String: [String]] {
        var naming: [String: Set<String>] = [:]
        for flow in try await store.flows() {
            for group in flow.definition.alerts.onFailure + flow.definition.alerts.onSyncFailed {
                naming[group, default: []].insert(flow.flowID)
            }
        }
        return naming.mapValues { $0.sorted() }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
