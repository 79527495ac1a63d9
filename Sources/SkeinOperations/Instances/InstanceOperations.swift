import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Saving (InstanceOperations+Save.swift) and removing connector instances. Removal has the one rule every front end (`skein instance remove`,
/// `DELETE /api/v1/instances/{name}`, the Instances page) applies: an instance that a deployed
/// flow's latest version uses cannot be removed — its next run would fail — until those flows
/// use another instance (or are changed and redeployed). Builders only; audited as `instance.delete`.
public struct InstanceOperations: Sendable {
    let store: any Operations.Store
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public func delete(_ caller: Identity?, name: String) async throws {
        let caller = try Permission.build.require(caller)
        let users = try await flowsUsing(name)
        guard users.isEmpty else {
            throw OperationError(
                .conflict,
                "instance '\(name)' is used by flow\(users.count == 1 ? "" : "s") \(users.map { "'\($0)'" }.joined(separator: ", ")); change \(users.count == 1 ? "it" : "them") to use another instance first"
            )
        }
        guard try await store.deleteInstance(named: name) else { throw OperationError.notFound("no instance named '\(name)'") }
        try await audit.record(caller, "instance.delete", target: "instance:\(name)")
    }

    /// The flows (ids, sorted) whose latest version has a shape naming `name` as its instance.
    public func flowsUsing(_ name: String) async throws -> [String] {
        try await store.flows().filter { flow in
            guard let document = try? FlowFile.document(from: flow.source) else { return false }
            return Self.names(name, in: document)
        }.map(\.flowID).sorted()
    }

    /// A shape is an object with an `id`; the settings of its type (its other object members)
    /// name their instance in `instance` — the field every connector shape's spec declares as an
    /// instance reference (http, database, sftp, notify). Nested shapes (route, branch, try) are
    /// found by walking the whole document.
    static func names(_ name: String, in value: JSON) -> Bool {
        switch value {
        case .object(let members):
            if members["id"] != nil {
                for member in members.values {
                    if case .object(let settings) = member, settings["instance"]?.stringValue == name { return true }
                }
            }
            return members.values.contains { names(name, in: $0) }
        case .array(let items):
            return items.contains { names(name, in: $0) }
        default:
            return false
        }
    }
}
