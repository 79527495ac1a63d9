import Foundation

/// Where the PostgreSQL store lives, read from a `postgres://user:password@host:port/database`
/// URL. `description` names host, port, database and user but never the password, so it is
/// safe in logs and error messages.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: String?

    public init(host: String, port: Int = 5432, database: String, user: String, password: String?) {
        self.host = host; self.port = port; self.database = database; self.user = user; self.password = password
    }

    /// Reads `postgres://` or `postgresql://` URLs; throws saying what is wrong (never echoing the password).
    public init(url text: String) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw PostgresAddressError("a PostgreSQL database is written postgres://user:password@host:port/database")
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw PostgresAddressError("the PostgreSQL URL has no host (postgres://user:password@host:port/database)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresAddressError("the PostgreSQL URL for \(host) names no database (…@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresAddressError("the PostgreSQL URL for \(host)/\(database) names no user (postgres://user@host/database)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw PostgresAddressError("the PostgreSQL port \(port) is not 1 to 65535") }
        self.init(
            host: host, port: port, database: database, user: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 })
    }

    /// `user@host:port/database`, without the password.
    public var description: String { "\(user)@\(host):\(port)/\(database)" }

    /// The same server with another database (tests create one database per test).
    public func with(database: String) -> PostgresAddress {
        var copy = self
        copy.database = database
        return copy
    }
}

/// A `--database` URL that cannot be used, said plainly.
public struct PostgresAddressError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
