/// What an instance of one connector type takes (`skein instance add NAME --type TYPE`): its
/// address, its settings (`--setting`, checked by `settings`, the same mechanism as a shape's)
/// and the credentials it may hold (`--credential`, secrets: never shown back). The browser
/// builds instance forms from it; `skein flow schema --specs` lists it.
public struct InstanceSpec: Sendable {
    /// The instance type (`http`, `sftp`, `database`, `smtp`).
    public var type: String
    public var summary: String
    /// What the address is (`https://shop.example.com/api`, `host:port`).
    public var address: String
    public var settings: ObjectSpec
    /// Every credential the type may use, as `.secret` fields; their help says when each is needed.
    public var credentials: [FieldSpec]

    public init(type: String, summary: String, address: String, settings: ObjectSpec, credentials: [FieldSpec]) {
        self.type = type
        self.summary = summary
        self.address = address
        self.settings = settings
        self.credentials = credentials
    }
}

/// A shape type whose steps use instances of their own types (the connector shapes; `notify`
/// for `smtp`), and so says what those instances take.
public protocol InstanceKind: Sendable {
    var instanceSpecs: [InstanceSpec] { get }
}

extension ShapeCatalog {
    /// The instance types of the catalog's shapes, by type.
    public var instanceSpecs: [InstanceSpec] {
        kinds.values.compactMap { $0 as? any InstanceKind }.flatMap(\.instanceSpecs).sorted { $0.type < $1.type }
    }
}

extension FieldSpec {
    /// A credential of an instance type: a secret, stored encrypted and never shown back.
    public static func credential(_ name: String, help: String) -> FieldSpec {
        FieldSpec(name, .text(.secret, TextRules(nonEmpty: true)), help: help)
    }
}
