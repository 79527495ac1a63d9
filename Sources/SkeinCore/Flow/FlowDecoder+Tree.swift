import SkeinJSON

/// Shape ids seen so far in one flow, across every level of the tree, with where each was first seen.
final class ShapeIDRegistry: @unchecked Sendable {
    // Used by one decoder on one thread at a time.
    private var paths: [String: String] = [:]

    func claim(_ id: String, at path: String, problems: ProblemList) {
        if let first = paths[id] {
            problems.add("\(path).id", "'\(id)' is already the id of \(first)")
        } else {
            paths[id] = path
        }
    }
}

extension FlowDecoder {
    /// Reads the settings of `route`, `branch` or `try` with their spec (`FlowSpec.structures`),
    /// the validator reading their shape lists into the tree.
    ///
    /// ```yaml
    /// route: { mode: all, branches: [ { name: uk, condition: 'country = "GB"', shapes: [...] } ], otherwise: [...] }
    /// branch: { branches: [ { name: erp, shapes: [...] }, { name: warehouse, shapes: [...] } ] }
    /// try: { shapes: [...], catch: [...] }
    /// ```
    func readStructure(_ spec: ShapeSpec, _ value: JSON?, path: String, validator: SpecValidator) -> ShapeStructure? {
        let before = validator.problems.problems.count
        guard let settings = validator.object(value, spec.settings, path: path, setting: spec.type, allowMissing: false),
            validator.problems.problems.count == before
        else { return nil }
        switch spec.type {
        case "route":
            let branches = settings.list("branches").compactMap(\.object).map {
                RouteBranch(name: $0.string("name"), condition: $0.optional.string("condition"), shapes: $0.shapes("shapes"))
            }
            return .route(
                RouteBlock(
                    mode: RouteBlock.Mode(rawValue: settings.string("mode")) ?? .all, branches: branches,
                    otherwise: settings.optional.shapes("otherwise")))
        case "branch":
            return .branch(settings.list("branches").compactMap(\.object).map { ChildSequence(name: $0.string("name"), shapes: $0.shapes("shapes")) })
        default:
            return .tryCatch(TryBlock(tryShapes: settings.shapes("shapes"), catchShapes: settings.shapes("catch")))
        }
    }
}
