import SkeinCore

/// Where a `database` instance's data lives, read from its address:
///
/// - `postgres://user@host:5432/dbname` (also `postgresql://`); the password is the
///   instance's `password` credential, never part of the address;
/// - `sqlite:///absolute/path/to/file.sqlite`.
enum DatabaseAddress: Sendable, Equatable {
    case postgres(host: String, port: Int, user: String, database: String)
    case sqlite(path: String)

    static func parse(_ address: String, instance: String) throws(ShapeFailure) -> DatabaseAddress {
        let prefix = "instance '\(instance)'"
        if address.hasPrefix("sqlite://") {
            let path = String(address.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                throw ShapeFailure("\(prefix): address '\(address)' must be sqlite:///absolute/path/to/file.sqlite")
            }
            return .sqlite(path: path)
        }
        var rest: Substring
        if address.hasPrefix("postgres://") {
            rest = address.dropFirst("postgres://".count)
        } else if address.hasPrefix("postgresql://") {
            rest = address.dropFirst("postgresql://".count)
        } else {
            throw ShapeFailure("\(prefix): address '\(address)' is neither postgres://user@host:port/database nor sqlite:///path")
        }
        let bad = ShapeFailure("\(prefix): address '\(address)' is not postgres://user@host:port/database")
        guard let at = rest.lastIndex(of: "@") else { throw bad }
        let user = rest[..<at]
        if user.contains(":") {
            throw ShapeFailure("\(prefix): put the password in the instance's 'password' credential, not in the address")
        }
        rest = rest[rest.index(after: at)...]
        guard let slash = rest.firstIndex(of: "/") else { throw bad }
        let hostPort = rest[..<slash]
        let database = rest[rest.index(after: slash)...]
        guard !user.isEmpty, !database.isEmpty, !database.contains("/"), !database.contains("?") else { throw bad }
        let host: Substring, port: Int
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = hostPort[..<colon]
            guard let parsed = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(parsed) else { throw bad }
            port = parsed
        } else {
            host = hostPort
            port = 5432
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? host.dropFirst().dropLast() : host
        guard !bareHost.isEmpty else { throw bad }
        return .postgres(host: String(bareHost), port: port, user: String(user), database: String(database))
    }
}
