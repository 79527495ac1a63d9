public import SkeinJSON

/// One set of credentials and settings for a connector: "the Shopify store", "the ERP".
/// Flows name instances; the instance says where the system is and how to log in.
///
/// Credentials are held here only in memory, decrypted for the step that uses them; at rest
/// they are encrypted, and they are never printed (see `redacted`).
public struct Instance: Sendable, Equatable {
    public var name: String
    /// `http`, `sftp`, `database`, …: which connector knows this system.
    public var connectorType: String
    /// Base URL (`https://shop.example.com/api`), host (`sftp.example.com:22`) or database URL.
    public var address: String
    /// IANA time zone for dates the system expects, e.g. `Europe/London`.
    public var timeZone: String
    public var rateLimit: RateLimit?
    public var timeout: Duration
    /// `{{name}}` values substituted into paths, headers, query and bodies.
    public var variables: [String: String]
    /// Connector-specific settings (authentication method, header names, …), not secret.
    public var settings: JSON
    /// Secret values (passwords, tokens, client secrets, keys), by name.
    public var credentials: [String: String]

    public init(
        name: String, connectorType: String, address: String, timeZone: String = "UTC", rateLimit: RateLimit? = nil,
        timeout: Duration = .seconds(30), variables: [String: String] = [:], settings: JSON = [:], credentials: [String: String] = [:]
    ) {
        self.name = name
        self.connectorType = connectorType
        self.address = address
        self.timeZone = timeZone
        self.rateLimit = rateLimit
        self.timeout = timeout
        self.variables = variables
        self.settings = settings
        self.credentials = credentials
    }

    /// Replaces every occurrence of a credential's value in `text` with `[redacted]`, so error
    /// messages and recorded calls can never carry a secret even when a system echoes it back.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in credentials.values where secret.count >= 4 {
            result = result.replacingAll(secret, with: "[redacted]")
        }
        return result
    }
}

/// At most `requests` per `per` (second, minute or hour); excess requests wait their turn.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var requests: Int
    public var per: Duration

    public init(requests: Int, per: Duration) {
        self.requests = requests
        self.per = per
    }

    /// Parses `10/s`, `600/minute`, `5000/h`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[0].trimmingSpaces()), count > 0 else { return nil }
        switch parts[1].trimmingSpaces().lowercased() {
        case "s", "sec", "second": per = .seconds(1)
        case "m", "min", "minute": per = .seconds(60)
        case "h", "hour": per = .seconds(3600)
        default: return nil
        }
        requests = count
    }

    public var description: String {
        let unit = per == .seconds(1) ? "second" : per == .seconds(60) ? "minute" : "hour"
        return "\(requests)/\(unit)"
    }
}

/// Finds instances by name for the steps that use them.
public protocol InstanceResolver: Sendable {
    /// The instance with its credentials decrypted; throws `ShapeFailure` naming it when it does not exist.
    func instance(named name: String) async throws -> Instance
}

/// A resolver over a fixed set of instances (tests, one-off runs).
public struct FixedInstances: InstanceResolver {
    public let instances: [String: Instance]
    public init(_ instances: [Instance]) {
        self.instances = Dictionary(instances.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }
    public func instance(named name: String) async throws -> Instance {
        guard let instance = instances[name] else { throw ShapeFailure("no instance named '\(name)'") }
        return instance
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation needed).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var remainder = self[...]
        while let range = remainder.range(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}
