/// What one `skein serve` process does. A small deployment runs `all` in one process; a larger
/// one runs several processes over one PostgreSQL database, each with a role, scaled apart.
public enum ServeRole: String, Sendable, CaseIterable {
    /// The HTTP server: webhook intake (stored, then answered) and `/health`.
    case api
    /// Claims queued runs (and runs whose worker died) and executes them; retries Pending sync entries.
    case worker
    /// Fires schedules (each tick once across every scheduler) and applies retention.
    case scheduler
    /// Everything above in one process.
    case all

    public var servesHTTP: Bool { self == .api || self == .all }
    public var executesRuns: Bool { self == .worker || self == .all }
    public var schedules: Bool { self == .scheduler || self == .all }
}
