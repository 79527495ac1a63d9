public import Foundation
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// The use cases of notification groups, shared by the CLI, the REST API and the web UI:
/// list, show, save (create or replace) and delete, each change checked and written to the
/// audit log (`alert_group.save`, `alert_group.delete`).
public struct AlertGroups: Sendable {
    public typealias Store = AlertStore & AuditLog & InstanceReader

    let store: any Store
    let now: @Sendable () -> Date

    public init(store: any Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    public func list() async throws -> [AlertGroup] { try await store.alertGroups() }

    public func group(named name: String) async throws -> AlertGroup {
        guard let group = try await store.alertGroup(named: name) else { throw AlertGroupError(.notFound, "there is no alert group '\(name)'") }
        return group
    }

    /// Creates the group, or replaces it when `replace` is true (else an existing one is a conflict).
    /// Returns the group as stored.
    @discardableResult
    public func save(name: String, emails: [String], webhookURLs: [String], smtpInstance: String?, replace: Bool, actor: String) async throws -> AlertGroup {
        let group = AlertGroup(name: name, emails: Self.unique(emails), webhookURLs: Self.unique(webhookURLs),
                               smtpInstance: smtpInstance.flatMap { $0.isEmpty ? nil : $0 }, updatedAt: now())
        var problems = group.problems
        if let instance = group.smtpInstance {
            switch try await store.storedInstance(named: instance) {
            case nil: problems.append("there is no instance '\(instance)' (skein instance add \(instance) --type smtp …)")
            case let stored? where stored.connectorType != "smtp":
                problems.append("instance '\(instance)' is a \(stored.connectorType) instance; alert mail needs an smtp instance")
            default: break
            }
        }
        guard problems.isEmpty else { throw AlertGroupError(.invalid, "alert group '\(name)': " + problems.joined(separator: "; ")) }
        if !replace, try await store.alertGroup(named: name) != nil {
            throw AlertGroupError(.conflict, "alert group '\(name)' already exists (use update to change it)")
        }
        try await store.saveAlertGroup(group)
        try await store.appendAudit(actor: actor, action: "alert_group.save", target: "alert_group:\(name)",
                                    details: ["emails": .number(Double(group.emails.count)), "webhook_urls": .number(Double(group.webhookURLs.count)),
                                              "smtp_instance": group.smtpInstance.map(JSON.string) ?? .null],
                                    now: now())
        return group
    }

    public func delete(named name: String, actor: String) async throws {
        guard try await store.deleteAlertGroup(named: name) else { throw AlertGroupError(.notFound, "there is no alert group '\(name)'") }
        try await store.appendAudit(actor: actor, action: "alert_group.delete", target: "alert_group:\(name)", details: .object([:]), now: now())
    }

    /// The group as JSON for the API and `--json`. Webhook URLs carry their secret in the path
    /// (Slack, Teams), so like instance credentials they are never shown back: only scheme,
    /// host and port (`https://hooks.slack.com/…`). Changing them means giving them again.
    public static func json(_ group: AlertGroup) -> JSON {
        ["name": .string(group.name), "emails": .array(group.emails.map(JSON.string)),
         "webhook_urls": .array(group.webhookURLs.map { .string(AlertDeliverySafety.safe($0)) }),
         "smtp_instance": group.smtpInstance.map(JSON.string) ?? .null, "updated_at": .string(ISO8601DateFormatter().string(from: group.updatedAt))]
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

public struct AlertGroupError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable { case invalid, notFound, conflict }
    public let kind: Kind
    public let description: String
    init(_ kind: Kind, _ description: String) { self.kind = kind; self.description = description }
}
