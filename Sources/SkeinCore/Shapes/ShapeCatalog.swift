/// The shape types a Skein installation knows, by their flow-file key.
///
/// The pure shapes of `SkeinCore` are always present; the app adds the ones that need the
/// outside world (connectors) when it composes itself.
public struct ShapeCatalog: Sendable {
    public private(set) var kinds: [String: any ShapeKind] = [:]
    /// Accept shape types this catalog does not know, without checking their settings.
    /// Storage uses it to read back flows whose connectors live in other targets.
    public var acceptsUnknownTypes = false

    /// A catalog that reads any flow that is structurally sound.
    public static var permissive: ShapeCatalog {
        var catalog = ShapeCatalog()
        catalog.acceptsUnknownTypes = true
        return catalog
    }

    public init(_ kinds: [any ShapeKind] = ShapeCatalog.builtIn) {
        for kind in kinds { register(kind) }
    }

    public mutating func register(_ kind: any ShapeKind) { kinds[kind.type] = kind }

    public func kind(_ type: String) -> (any ShapeKind)? { kinds[type] }

    public var types: [String] { kinds.keys.sorted() }

    /// The spec of every shape type a flow may use here, the structural shapes (`route`,
    /// `branch`, `try`) included, by category and then type: what the JSON Schema, the
    /// generated shape reference and the browser's forms are made from.
    public var specs: [ShapeSpec] {
        let order = ShapeCategory.allCases
        return (kinds.values.map(\.spec) + FlowSpec.structures).sorted {
            let (left, right) = (order.firstIndex(of: $0.category) ?? 0, order.firstIndex(of: $1.category) ?? 0)
            return left != right ? left < right : $0.type < $1.type
        }
    }

    /// The shapes that need nothing but the payload.
    public static let builtIn: [any ShapeKind] = [
        PayloadShape(), MapShape(), FilterShape(), AssertShape(), SplitShape(),
        RunFlowShape(),
    ]
}
