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
    /// Reads the settings of `route`, `branch` or `try`, recursing into their shapes.
    ///
    /// ```yaml
    /// route: { mode: all, branches: [ { name: uk, condition: 'country = "GB"', shapes: [...] } ], otherwise: [...] }
    /// branch: { branches: [ { name: erp, shapes: [...] }, { name: warehouse, shapes: [...] } ] }
    /// try: { shapes: [...], catch: [...] }
    /// ```
    func readStructure(_ type: String, _ value: JSON?, path: String, problems: ProblemList, ids: ShapeIDRegistry) -> ShapeStructure? {
        guard let reader = SettingsReader(value, path: path, problems: problems, allowMissing: false) else { return nil }
        defer { reader.finish() }
        let before = problems.problems.count
        switch type {
        case "route":
            let mode = reader.string("mode", allowed: RouteBlock.Mode.allCases.map(\.rawValue)).flatMap(RouteBlock.Mode.init) ?? .all
            let branches = readBranches(reader, problems: problems, ids: ids, conditions: true)
            var otherwise: [ShapeDefinition]?
            if let list = reader.array("otherwise") {
                if list.isEmpty { reader.report("otherwise", "give at least one shape, or leave otherwise out") }
                otherwise = readSequence(list, path: reader.childPath("otherwise"), problems: problems, ids: ids)
            }
            guard problems.problems.count == before, let branches else { return nil }
            return .route(RouteBlock(mode: mode, branches: branches.map { RouteBranch(name: $0.name, condition: $0.condition, shapes: $0.shapes) },
                                     otherwise: otherwise))
        case "branch":
            let branches = readBranches(reader, problems: problems, ids: ids, conditions: false)
            guard problems.problems.count == before, let branches else { return nil }
            return .branch(branches.map { ChildSequence(name: $0.name, shapes: $0.shapes) })
        default:
            let tryList = reader.array("shapes", required: true)
            let catchList = reader.array("catch", required: true)
            if tryList?.isEmpty == true { reader.report("shapes", "give at least one shape to try") }
            if catchList?.isEmpty == true { reader.report("catch", "give at least one shape to handle the failed payloads") }
            let tryShapes = tryList.map { readSequence($0, path: reader.childPath("shapes"), problems: problems, ids: ids) }
            let catchShapes = catchList.map { readSequence($0, path: reader.childPath("catch"), problems: problems, ids: ids) }
            guard problems.problems.count == before, let tryShapes, let catchShapes else { return nil }
            return .tryCatch(TryBlock(tryShapes: tryShapes, catchShapes: catchShapes))
        }
    }

    private struct Branch {
        var name: String
        var condition: String?
        var shapes: [ShapeDefinition]
    }

    /// `branches:` of a route (each with an optional JSONata `condition:`) or of a branch shape.
    private func readBranches(_ reader: SettingsReader, problems: ProblemList, ids: ShapeIDRegistry, conditions: Bool) -> [Branch]? {
        guard let list = reader.array("branches", required: true) else { return nil }
        if list.isEmpty { reader.report("branches", "give at least one branch") }
        var branches: [Branch] = []
        var names: Set<String> = [RouteBlock.otherwiseName]
        for (index, value) in list.enumerated() {
            guard let branch = SettingsReader(value, path: "\(reader.childPath("branches"))[\(index)]", problems: problems, allowMissing: false)
            else { continue }
            let name = branch.string("name", required: true)
            if let name {
                if !FlowDecoder.isIdentifier(name) {
                    branch.report("name", "'\(name)' must be lowercase letters, digits, '-' and '_'")
                } else if !names.insert(name).inserted {
                    branch.report("name", name == RouteBlock.otherwiseName
                                  ? "'otherwise' is the name of the route's otherwise part; choose another"
                                  : "'\(name)' is already the name of another branch")
                }
            }
            var condition: String?
            if conditions, let text = branch.string("condition") {
                // Compiled here so a malformed condition is reported with its place; the engine compiles it again to run it.
                if ShapeExpression.compile(text, path: branch.childPath("condition"), setting: "route.condition", problems: problems) != nil {
                    condition = text
                }
            }
            let shapes = branch.array("shapes", required: true).map {
                if $0.isEmpty { branch.report("shapes", "give at least one shape") }
                return readSequence($0, path: branch.childPath("shapes"), problems: problems, ids: ids)
            }
            branch.finish()
            if let name, let shapes { branches.append(Branch(name: name, condition: condition, shapes: shapes)) }
        }
        return branches
    }
}
