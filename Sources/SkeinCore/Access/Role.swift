/// What a signed-in person, an API token or a local operator may do. Each role includes
/// everything the roles before it may do: a viewer reads; an operator also re-runs, replays
/// and resyncs; a builder also deploys and changes flows, instances and data pools; an admin
/// also manages users and tokens. The operations layer (`Permission`) says which role each
/// operation needs; stored records keep the role by its name (`UserRecord.role`).
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer
    case `operator`
    case builder
    case admin

    private var rank: Int { Role.allCases.firstIndex(of: self)! }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// The names, for messages: `viewer, operator, builder or admin`.
    public static var namesForMessages: String { "viewer, operator, builder or admin" }
}
