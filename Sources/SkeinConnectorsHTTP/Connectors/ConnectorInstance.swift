import SkeinCore
import SkeinJSON

/// An instance of a connector (`settings.connector: shopify`) as the `http` shape sees it.
///
/// The instance's settings hold `connector` and the connector's own settings (`shop: acme`);
/// its credentials use the connector's names (`access_token`). Here they become a plain `http`
/// instance: the definition's `auth`, `headers`, `throttle`, … as its settings, the credentials
/// also under the auth method's names (`api_key`), the connector's settings (with defaults) as
/// `{{variables}}`, the address from the definition's template unless the instance gives one,
/// and the definition's `rate_limit` unless the instance sets its own.
enum ConnectorInstance {
    /// The connector an instance names, if any.
    static func connectorName(of instance: Instance) -> String? {
        instance.settings["connector"]?.stringValue
    }

    /// Problems with an instance's settings and credentials for `definition`, as sentences;
    /// empty when it is ready to use. `skein instance add --connector` refuses an instance with any.
    static func problems(settings: [String: String], credentials: Set<String>, definition: ConnectorDefinition) -> [String] {
        var problems: [String] = []
        for setting in definition.settings where setting.required && (settings[setting.name] ?? "").isEmpty {
            problems.append("setting '\(setting.name)' is required: \(setting.help)")
        }
        for name in settings.keys.sorted() where !definition.settings.contains(where: { $0.name == name }) {
            let known = definition.settings.map(\.name).joined(separator: ", ")
            problems.append("'\(name)' is not a setting of connector \(definition.name) (its settings: \(known.isEmpty ? "none" : known))")
        }
        for credential in definition.credentials where !credentials.contains(credential.name) {
            problems.append("credential '\(credential.name)' is required: \(credential.help)")
        }
        for name in credentials.sorted() where !definition.credentials.contains(where: { $0.name == name }) {
            problems.append(
                "'\(name)' is not a credential of connector \(definition.name) (its credentials: \(definition.credentials.map(\.name).joined(separator: ", ")))"
            )
        }
        return problems
    }

    /// The connector's settings with their defaults, as text.
    static func settingValues(_ instance: Instance, definition: ConnectorDefinition) -> [String: String] {
        var values: [String: String] = [:]
        for setting in definition.settings {
            if let value = instance.settings[setting.name].flatMap(VariableScope.text) {
                values[setting.name] = value
            } else if let value = setting.defaultValue {
                values[setting.name] = value
            }
        }
        return values
    }

    /// The address the definition gives for these settings (`https://acme.myshopify.com`).
    static func address(settings: [String: String], definition: ConnectorDefinition) throws(ShapeFailure) -> String {
        do { return try definition.address.render(lookup: { settings[$0] }) } catch {
            throw ShapeFailure("connector \(definition.name) needs the setting '\(error.name)' for its address")
        }
    }

    /// The plain `http` instance a connector instance amounts to.
    static func plain(_ instance: Instance, definition: ConnectorDefinition) throws(ShapeFailure) -> Instance {
        let values = settingValues(instance, definition: definition)
        var plain = instance
        plain.settings = .object(definition.instanceSettings)
        for (slot, name) in definition.credentialSlots {
            if let value = instance.credentials[name] { plain.credentials[slot] = value }
        }
        plain.variables = values.merging(instance.variables) { _, own in own }
        if plain.address.isEmpty {
            plain.address = try address(settings: values, definition: definition)
        }
        if plain.rateLimit == nil { plain.rateLimit = definition.rateLimit }
        return plain
    }
}

extension ConnectorCatalog {
    /// The instance as the `http` shape uses it, and its connector's definition when it names one.
    func resolve(_ instance: Instance) throws(ShapeFailure) -> (Instance, ConnectorDefinition?) {
        guard let name = ConnectorInstance.connectorName(of: instance) else { return (instance, nil) }
        guard let definition = definition(name) else {
            throw ShapeFailure(
                "instance '\(instance.name)' uses connector '\(name)', which this installation does not know (known: \(names.joined(separator: ", ")))")
        }
        return (try ConnectorInstance.plain(instance, definition: definition), definition)
    }
}

extension ConnectorDefinition {
    /// What is wrong with an instance's settings and credentials (names only) for this
    /// connector, one sentence each; empty when the instance is ready to use.
    public func instanceProblems(settings: [String: String], credentials: Set<String>) -> [String] {
        ConnectorInstance.problems(settings: settings, credentials: credentials, definition: self)
    }

    /// The base address for these settings (defaults filled in): `https://acme.myshopify.com`.
    public func address(settings: [String: String]) throws(ShapeFailure) -> String {
        var values = settings
        for setting in self.settings where values[setting.name] == nil { values[setting.name] = setting.defaultValue }
        return try ConnectorInstance.address(settings: values, definition: self)
    }

    /// The address template as written (`https://{{shop}}.myshopify.com`).
    public var addressTemplate: String { address.description }
}
