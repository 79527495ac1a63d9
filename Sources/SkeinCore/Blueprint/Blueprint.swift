public import SkeinJSON

/// A blueprint: a ready-made integration between two systems, installed with one command —
/// the connector instances it needs, the cross-reference lookups its maps use, and its flows.
///
/// A blueprint is data, like a connector definition: a manifest (`NAME.yaml`) naming the flow
/// files and lookup CSVs that come with it. The shipped ones are compiled into Skein; users put
/// their own in `DATA_DIR/blueprints/` (docs/blueprints.md). `BlueprintReader` reads a manifest
/// and its files, reporting every problem with its path; `BlueprintInstallPlan` decides what an
/// install creates from the settings and credentials the user gives.
///
/// ```yaml
/// blueprint: shopify-to-wms
/// title: Shopify orders to a warehouse (WMS)
/// systems: [Shopify, WMS]
/// settings:
///   shop: { required: true, help: The store's myshopify name. }
/// credentials:
///   shopify_token: { help: The custom app's Admin API access token. }
/// instances:
///   shop: { connector: shopify, settings: { shop: "{{shop}}" }, credentials: { access_token: shopify_token } }
/// lookups:
///   shopify-shipping-to-wms-carrier: { csv: shopify-to-wms/shipping.csv, default: STANDARD, help: … }
/// flows: [shopify-to-wms/shopify-orders-to-wms.yaml]
/// ```
public struct Blueprint: Sendable, Hashable {
    /// Where it was read from: `built-in shopify-to-wms.yaml` or a file path.
    public var source: String
    /// The name `skein blueprint install` takes: lowercase letters, digits, `-` and `_`.
    public var name: String
    public var title: String
    public var description: String
    /// The systems it connects, for listings ("Shopify", "WMS over HTTP").
    public var systems: [String]
    /// Values the user gives with `--setting NAME=VALUE`, used as `{{NAME}}` in the instances.
    public var settings: [Setting]
    /// Secrets the user gives with `--credential-env NAME=VARIABLE`; every one is required.
    public var credentials: [Credential]
    public var instances: [InstanceEntry]
    public var lookups: [LookupEntry]
    public var flows: [FlowEntry]

    public init(
        source: String, name: String, title: String, description: String, systems: [String], settings: [Setting],
        credentials: [Credential], instances: [InstanceEntry], lookups: [LookupEntry], flows: [FlowEntry]
    ) {
        self.source = source
        self.name = name
        self.title = title
        self.description = description
        self.systems = systems
        self.settings = settings
        self.credentials = credentials
        self.instances = instances
        self.lookups = lookups
        self.flows = flows
    }

    /// A value the user fills in: required, or with a default.
    public struct Setting: Sendable, Hashable {
        public var name: String
        public var required: Bool
        public var defaultValue: String?
        public var help: String

        public init(name: String, required: Bool, defaultValue: String?, help: String) {
            self.name = name
            self.required = required
            self.defaultValue = defaultValue
            self.help = help
        }
    }

    /// A secret the user names an environment variable for; never stored in the blueprint.
    public struct Credential: Sendable, Hashable {
        public var name: String
        public var help: String

        public init(name: String, help: String) {
            self.name = name
            self.help = help
        }
    }

    /// An instance the blueprint creates: of a connector definition (`connector: shopify`, whose
    /// settings are text), or of a connector type (`type: http` with its own settings and address).
    /// String values may hold `{{setting}}` placeholders.
    public struct InstanceEntry: Sendable, Hashable {
        public var name: String
        /// A connector definition's name, or nil for a plain `type` instance.
        public var connector: String?
        /// `http` for connector instances; otherwise `http`, `sftp`, `database` or `smtp`.
        public var type: String
        /// The address template; nil for a connector instance, which takes its definition's.
        public var address: String?
        /// The instance's settings with placeholders (an object).
        public var settings: JSON
        /// The instance's credential names → the blueprint's credential that fills each.
        public var credentials: [String: String]
        public var help: String

        public init(name: String, connector: String?, type: String, address: String?, settings: JSON, credentials: [String: String], help: String) {
            self.name = name
            self.connector = connector
            self.type = type
            self.address = address
            self.settings = settings
            self.credentials = credentials
            self.help = help
        }
    }

    /// A cross-reference lookup the blueprint creates, with its rows from a CSV file.
    public struct LookupEntry: Sendable, Hashable {
        public var name: String
        public var help: String
        public var defaultValue: String?
        /// The CSV's path relative to the blueprint directory.
        public var file: String
        public var rows: [LookupRow]

        public init(name: String, help: String, defaultValue: String?, file: String, rows: [LookupRow]) {
            self.name = name
            self.help = help
            self.defaultValue = defaultValue
            self.file = file
            self.rows = rows
        }

        /// The table the install saves.
        public var table: LookupTable { LookupTable(name: name, description: help, defaultValue: defaultValue, rows: rows) }
    }

    /// A flow the blueprint deploys: its file's text, verbatim, and the id it declares.
    public struct FlowEntry: Sendable, Hashable {
        /// The file's path relative to the blueprint directory.
        public var file: String
        public var id: String
        public var name: String?
        public var text: String

        public init(file: String, id: String, name: String?, text: String) {
            self.file = file
            self.id = id
            self.name = name
            self.text = text
        }
    }
}

/// A blueprint file that cannot be used, with every problem found, each with its path:
/// `blueprints/acme.yaml: instances.erp.credentials.token: 'erp_key' is not one of the blueprint's credentials`.
public struct BlueprintError: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var problems: [String]

    public init(source: String, problems: [String]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        problems.count == 1 ? "\(source): \(problems[0])" : ([source + ":"] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}
