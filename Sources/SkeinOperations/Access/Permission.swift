public import SkeinCore

/// Who may do what: the one table every front end's permission answers come from. Each
/// operation checks its caller here first, so the CLI, the API, the web UI and the MCP server
/// refuse the same callers with the same message.
public enum Permission: Sendable, CaseIterable {
    /// Read flows, runs, steps, payloads, the sync report, data pools and notification groups.
    case read
    /// Stop a run, replay, retry, start a flow by hand, resync and confirm sync entries.
    case operate
    /// Deploy, enable and change flows; add and remove instances; import into and delete data pools;
    /// create, change and delete notification groups.
    case build
    /// Users, tokens and the audit log.
    case administer

    /// The least role allowed.
    public var minimumRole: Role {
        switch self {
        case .read: .viewer
        case .operate: .operator
        case .build: .builder
        case .administer: .admin
        }
    }

    /// `caller` when it holds this permission; `unauthenticated` without a caller, `forbidden`
    /// (naming the role needed and the caller's) when its role is too low.
    @discardableResult
    public func require(_ caller: Identity?) throws(OperationError) -> Identity {
        try Permission.require(minimumRole, of: caller)
    }

    /// Whether `caller` may (for showing or hiding a button).
    public func allows(_ caller: Identity?) -> Bool { (caller?.role ?? .viewer) >= minimumRole && caller != nil }

    @discardableResult
    public static func require(_ role: Role, of caller: Identity?) throws(OperationError) -> Identity {
        guard let caller else { throw OperationError(.unauthenticated, "sign in or send an API token") }
        guard caller.role >= role else {
            throw OperationError(.forbidden, "this needs the \(role.rawValue) role; \(caller.username) is \(caller.role.rawValue)")
        }
        return caller
    }
}
