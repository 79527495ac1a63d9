public import SkeinJSON

/// What the user gives `skein blueprint install`: values for the blueprint's settings, the
/// secrets for its credentials (read from the environment by the front end), and optional
/// addresses that replace an instance's (a staging system, or a fake on 127.0.0.1).
public struct BlueprintInstallRequest: Sendable {
    public var settings: [String: String]
    /// Blueprint credential name → secret.
    public var credentials: [String: String]
    /// Instance name → address, replacing the one the blueprint or connector gives.
    public var addresses: [String: String]
    /// Replace instances, lookups and flows that already exist under the blueprint's names.
    public var replace: Bool

    public init(settings: [String: String] = [:], credentials: [String: String] = [:], addresses: [String: String] = [:], replace: Bool = false) {
        self.settings = settings
        self.credentials = credentials
        self.addresses = addresses
        self.replace = replace
    }
}

/// The instances an install creates, with the user's values filled in — decided before anything
/// is written, so a missing setting or credential refuses the install with nothing changed.
public struct BlueprintInstallPlan: Sendable {
    /// One instance to create: its entry, and what the placeholders became.
    public struct PlannedInstance: Sendable {
        public var entry: Blueprint.InstanceEntry
        /// The address (the override, or the entry's filled template); nil: the connector's.
        public var address: String?
        /// The settings with placeholders filled; for a connector instance, text values.
        public var settings: JSON
        /// The instance's credential names → their secrets.
        public var credentials: [String: String]
    }

    public var blueprint: Blueprint
    public var instances: [PlannedInstance]
    /// Every setting's value: the user's, or the default.
    public var settings: [String: String]

    /// Checks `request` against `blueprint` and fills the placeholders. Every problem is
    /// reported at once, naming the setting or credential (never a secret's value):
    /// `missing --setting shop (The store's myshopify name, acme for acme.myshopify.com.)`.
    public static func make(_ blueprint: Blueprint, _ request: BlueprintInstallRequest) throws(BlueprintError) -> BlueprintInstallPlan {
        var problems: [String] = []
        let declared = Set(blueprint.settings.map(\.name))
        for name in request.settings.keys.sorted() where !declared.contains(name) {
            problems.append("unknown setting '\(name)' (its settings: \(list(blueprint.settings.map(\.name))))")
        }
        var values: [String: String] = [:]
        for setting in blueprint.settings {
            if let value = request.settings[setting.name] {
                values[setting.name] = value
            } else if let value = setting.defaultValue {
                values[setting.name] = value
            } else {
                problems.append("missing --setting \(setting.name)=… (\(setting.help))")
            }
        }
        let credentialNames = Set(blueprint.credentials.map(\.name))
        for name in request.credentials.keys.sorted() where !credentialNames.contains(name) {
            problems.append("unknown credential '\(name)' (its credentials: \(list(blueprint.credentials.map(\.name))))")
        }
        for credential in blueprint.credentials where request.credentials[credential.name] == nil {
            problems.append("missing --credential-env \(credential.name)=VARIABLE (\(credential.help))")
        }
        let instanceNames = Set(blueprint.instances.map(\.name))
        for name in request.addresses.keys.sorted() where !instanceNames.contains(name) {
            problems.append("--address \(name)=…: the blueprint creates no instance '\(name)' (its instances: \(list(blueprint.instances.map(\.name))))")
        }
        guard problems.isEmpty else { throw BlueprintError(source: "blueprint \(blueprint.name)", problems: problems) }
        let instances = blueprint.instances.map { entry in
            PlannedInstance(
                entry: entry,
                address: request.addresses[entry.name] ?? entry.address.map { BlueprintPlaceholders.fill($0, with: values) },
                settings: BlueprintPlaceholders.fill(entry.settings, with: values),
                credentials: entry.credentials.compactMapValues { request.credentials[$0] })
        }
        return BlueprintInstallPlan(blueprint: blueprint, instances: instances, settings: values)
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
}
