import Hummingbird
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Notification groups: `GET/POST /alert-groups`, `GET/PUT/DELETE /alert-groups/{name}`, over
/// `AlertGroupOperations` as `skein alert-group` and the Alerts page. Reads: viewer; changes:
/// builder. Webhook URLs are write-only: answers show scheme, host and port only; a `PUT`
/// replaces the group's addresses and instance, and its URLs when `webhook_urls` is sent
/// (omitted: the stored URLs are kept, as an instance's credentials are).
struct AlertGroupsController: Sendable {
    let operations: Operations

    var groups: AlertGroupOperations { operations.alertGroups }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("alert-groups") { _, context in
            JSONResponse.ok(["alert_groups": .array(try await groups.list(context.identity).map(AlertGroupOperations.json))])
        }
        group.post("alert-groups") { request, context in
            try Permission.build.require(context.identity)
            let body = try await Self.body(request)
            let name = try body.string("name", required: true) ?? ""
            try await groups.create(context.identity, name: name, try Self.change(body))
            return JSONResponse.make(status: .created, AlertGroupOperations.json(try await groups.group(context.identity, named: name)))
        }
        group.get("alert-groups/:name") { _, context in
            JSONResponse.ok(AlertGroupOperations.json(try await groups.group(context.identity, named: try context.string("name"))))
        }
        group.put("alert-groups/:name") { request, context in
            try Permission.build.require(context.identity)
            let name = try context.string("name")
            let body = try await Self.body(request)
            if let renamed = try body.string("name"), renamed != name {
                throw APIError.invalid("name", "a group cannot be renamed: create '\(AlertGroup.shown(renamed))' and delete '\(name)'")
            }
            try await groups.update(context.identity, name: name, try Self.change(body))
            return JSONResponse.ok(AlertGroupOperations.json(try await groups.group(context.identity, named: name)))
        }
        group.delete("alert-groups/:name") { _, context in
            try await groups.delete(context.identity, name: try context.string("name"))
            return Response(status: .noContent)
        }
    }

    /// The body (read after the permission check, so a viewer learns nothing from a bad body).
    static func body(_ request: Request) async throws -> JSON.Object {
        var request = request
        return try await request.jsonObject(limit: maximumBodyBytes)
    }

    /// A group's body is small: 100 recipients of at most 2 KB each fit many times over.
    static let maximumBodyBytes = 1024 * 1024

    /// The members a group's body may have; any other is refused (a misspelt `webhook_urls`
    /// would otherwise drop the group's URLs silently).
    static let members = ["name", "emails", "webhook_urls", "smtp_instance"]

    /// `emails`, `webhook_urls` (arrays of strings; `webhook_urls` absent or null is nil: keep) and
    /// `smtp_instance` (a string or null).
    static func change(_ body: JSON.Object) throws -> AlertGroupOperations.Change {
        if let unknown = body.keys.sorted().first(where: { !members.contains($0) }) {
            throw APIError.invalid(unknown, "unknown member '\(AlertGroup.shown(unknown))' (alert groups take \(members.joined(separator: ", ")))")
        }
        return AlertGroupOperations.Change(
            emails: try strings(body, "emails"), webhookURLs: (body["webhook_urls"] ?? .null) == .null ? nil : try strings(body, "webhook_urls"),
            smtpInstance: try body.string("smtp_instance"))
    }

    static func strings(_ body: JSON.Object, _ field: String) throws -> [String] {
        guard let value = body[field], value != .null else { return [] }
        guard case .array(let items) = value else { throw APIError.invalid(field, "\(field) must be an array of strings, found \(value.typeName)") }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw APIError.invalid(field, "\(field)[\(index)] must be a string, found \(item.typeName)")
            }
            return text
        }
    }
}
