import Foundation
public import SkeinCore

/// What an instance must look like before it is saved — checked by `PUT /api/v1/instances/{name}`
/// and `skein instance add` alike, so no surface stores what another would refuse.
///
/// - **name**: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit. Flows
///   name instances in `instance:` settings and the name appears in URLs, logs and audit
///   targets, so it stays a plain identifier (never `../../etc/passwd` or 5,000 characters).
/// - **type**: a connector type this build knows (`connectorTypes`).
/// - **time zone**: an IANA zone name from the host's time zone database (`Europe/London`, `UTC`).
/// - **address**: present, at most 2,048 characters, no control characters.
public enum InstanceRules {
    /// The connector types this build can use an instance with.
    public static let connectorTypes = ["database", "http", "sftp", "smtp"]
    public static let maximumNameLength = 64
    public static let maximumAddressLength = 2048

    /// One thing wrong, naming the field (`name`, `type`, `time_zone`, `address`).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { message }
    }

    public static func check(_ instance: Instance) throws(Problem) {
        try check(name: instance.name)
        guard connectorTypes.contains(instance.connectorType) else {
            throw Problem(
                field: "type", message: "unknown instance type '\(clip(instance.connectorType))'; use one of \(connectorTypes.joined(separator: ", "))")
        }
        guard isTimeZone(instance.timeZone) else {
            throw Problem(field: "time_zone", message: "'\(clip(instance.timeZone))' is not an IANA time zone; use a name such as Europe/London or UTC")
        }
        guard !instance.address.isEmpty, instance.address.count <= maximumAddressLength,
            !instance.address.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw Problem(field: "address", message: "an address is 1 to \(maximumAddressLength) characters with no control characters")
        }
    }

    public static func check(name: String) throws(Problem) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...maximumNameLength).contains(name.count), name.allSatisfy({ allowed.contains($0) }),
            let first = name.first, first.isASCII, first.isLetter || first.isNumber
        else {
            throw Problem(
                field: "name",
                message: "instance name '\(clip(name))': use 1 to \(maximumNameLength) letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    /// Whether `identifier` names a zone in the time zone database (not an abbreviation or offset).
    public static func isTimeZone(_ identifier: String) -> Bool {
        identifier == "UTC" || knownZones.contains(identifier)
    }

    private static let knownZones = Set(TimeZone.knownTimeZoneIdentifiers)

    /// Quoted input, shortened so an error never repeats a 5,000-character name.
    static func clip(_ text: String) -> String { text.count <= 80 ? text : String(text.prefix(80)) + "…" }
}
