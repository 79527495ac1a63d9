import SkeinCore

/// The connector shape types this build includes, registered into every catalog.
enum ConnectorShapes {
    static var all: [any ShapeKind] { [] }
}
