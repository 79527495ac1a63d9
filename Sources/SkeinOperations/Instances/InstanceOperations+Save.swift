import Foundation
public import SkeinCore
public import SkeinEngine
public import SkeinJSON

/// Adding and changing connector instances, with one set of rules for `skein instance add`,
/// `PUT /api/v1/instances/{name}` and the Instances page: the name, type, address and settings
/// checked by `InstanceRules`; credentials sealed before they are stored and never returned;
/// builders only; audited as `instance.create` / `instance.update` (with whether the credentials
/// changed, never their values).
extension InstanceOperations {
    /// What a caller gives. A field left nil keeps the stored value when the instance exists
    /// (`type` and `address` are required for a new one); `credentials` nil keeps the stored
    /// secrets, given it replaces them, except that an empty value keeps the stored secret of that
    /// name (the browser's blank password field, which never had the value).
    public struct Change: Sendable {
        public var name: String
        public var type: String?
        public var address: String?
        public var timeZone: String?
        /// `10/s`, `600/minute`, `N/hour`; empty: no limit.
        public var rateLimit: String?
        public var timeoutMilliseconds: Int?
        public var variables: [String: String]?
        /// A JSON object of connector settings.
        public var settings: JSON?
        public var credentials: [String: String]?

        public init(
            name: String, type: String? = nil, address: String? = nil, timeZone: String? = nil, rateLimit: String? = nil,
            timeoutMilliseconds: Int? = nil, variables: [String: String]? = nil, settings: JSON? = nil, credentials: [String: String]? = nil
        ) {
            self.name = name
            self.type = type
            self.address = address
            self.timeZone = timeZone
            self.rateLimit = rateLimit
            self.timeoutMilliseconds = timeoutMilliseconds
            self.variables = variables
            self.settings = settings
            self.credentials = credentials
        }
    }

    /// Creates or updates the instance `change.name` and answers what is stored and whether it is new.
    /// `sealer` seals credentials with the installation's key (and opens the stored ones to keep them).
    public func save(_ caller: Identity?, _ change: Change, sealer: StoredInstanceResolver?) async throws -> (instance: StoredInstance, created: Bool) {
        let caller = try Permission.build.require(caller)
        guard let sealer else { throw OperationError(.misconfigured, "this process cannot seal credentials (no credential key)") }
        let name = change.name
        try Self.checked { try InstanceRules.check(name: name) }
        let existing = try await store.storedInstance(named: name)
        guard let type = change.type ?? existing?.connectorType else {
            throw OperationError.invalid("type", "type is required (\(InstanceRules.connectorTypes.joined(separator: ", ")))")
        }
        guard let address = change.address ?? existing?.address else { throw OperationError.invalid("address", "address is required") }
        var rateLimit = existing?.rateLimit.flatMap(RateLimit.init)
        if change.rateLimit == "" {
            rateLimit = nil
        } else if let text = change.rateLimit {
            guard let parsed = RateLimit(text) else { throw OperationError.invalid("rate_limit", "rate_limit '\(text)': use N/s, N/minute or N/hour") }
            rateLimit = parsed
        }
        let timeout = change.timeoutMilliseconds ?? existing?.timeoutMilliseconds ?? 30_000
        guard timeout > 0 else { throw OperationError.invalid("timeout_ms", "timeout_ms must be positive") }
        var credentials = change.credentials
        var previous: [String: String]?
        if existing != nil, credentials == nil || credentials?.values.contains("") == true {
            let stored: [String: String]
            do { stored = try await sealer.instance(named: name).credentials } catch {
                throw OperationError.conflict("the stored credentials cannot be opened (\(error)); send credentials to replace them")
            }
            previous = stored
            credentials =
                credentials.map { given in
                    Dictionary(uniqueKeysWithValues: given.map { key, value in (key, value.isEmpty ? stored[key] ?? "" : value) })
                } ?? stored
        }
        if let empty = credentials?.first(where: { $0.value.isEmpty })?.key {
            throw OperationError.invalid("credentials", "credential '\(empty)' is empty and no stored value of that name can be kept")
        }
        let settings = change.settings ?? existing?.settings ?? [:]
        guard case .object = settings else { throw OperationError.invalid("settings", "settings must be an object") }
        let instance = Instance(
            name: name, connectorType: type, address: address, timeZone: change.timeZone ?? existing?.timeZone ?? "UTC",
            rateLimit: rateLimit, timeout: .milliseconds(timeout), variables: change.variables ?? existing?.variables ?? [:],
            settings: settings, credentials: credentials ?? [:])
        try Self.checked { try InstanceRules.check(instance) }
        let sealed = try sealer.seal(instance, now: now())
        try await store.saveInstance(sealed)
        try await audit.record(
            caller, existing == nil ? "instance.create" : "instance.update", target: "instance:\(name)",
            details: ["credentials_changed": .bool(change.credentials != nil && credentials != previous)])
        return (sealed, existing == nil)
    }

    /// `InstanceRules`' refusal as the field it names.
    static func checked(_ check: () throws -> Void) throws {
        do { try check() } catch let error as InstanceRules.Problem { throw OperationError.invalid(error.field, error.message) }
    }
}
