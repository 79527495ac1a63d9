import SkeinCore
import SkeinJSON
import SkeinStorage

/// What `runs show` says about the tree shapes of a run: which branch each payload took, what
/// a try caught, which runs a run_flow step started.
enum StepTreeText {
    static func lines(_ steps: [StepRecord]) -> [String] {
        var lines: [String] = []
        for step in steps {
            let name = step.path ?? step.shapeID
            if step.shapeType == "route", let children = step.details?["children"]?.arrayValue {
                let parts = children.map { child -> String in
                    let indexes = child["payloads"]?.arrayValue?.compactMap(\.numberValue).map { String(Int($0)) } ?? []
                    return
                        "\(child["name"]?.stringValue ?? "?") ← \(indexes.isEmpty ? "none" : "payload\(indexes.count == 1 ? "" : "s") " + indexes.joined(separator: ", "))"
                }
                lines.append("route \(name): " + parts.joined(separator: "; "))
            }
            if step.shapeType == "try", step.outputCount > 0 {
                lines.append("try \(name): \(step.outputCount) payload\(step.outputCount == 1 ? "" : "s") failed and went to \(name)/catch")
            }
            let shapeDetails = step.details?["shape"].map { $0.arrayValue ?? [$0] } ?? []
            let children = shapeDetails.flatMap { $0["child_runs"]?.arrayValue ?? [] }
            for child in children {
                lines.append(
                    "\(name) started run \(Int(child["run"]?.numberValue ?? 0)) of flow '\(child["flow"]?.stringValue ?? "?")' (\(child["status"]?.stringValue ?? "?"))"
                )
            }
        }
        return lines
    }
}
