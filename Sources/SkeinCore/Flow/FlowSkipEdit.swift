import SkeinJSON

/// Turns a shape's `skip` on or off in a flow file's text, for deploying as a new version
/// (deployed versions are never edited).
///
/// A YAML file is edited in place (`FlowYAMLEdit`): only that shape's `skip` value changes, or
/// `skip: true` is added next to its id; comments and everything else stay as written. A JSON
/// file (no comments to keep) is written again as pretty JSON, keys in their order, with `skip`
/// added next to the id or removed when turned off.
public enum FlowSkipEdit {
    public static func source(_ text: String, settingSkip skip: Bool, onShape shapeID: String) throws -> String {
        if text.drop(while: { $0.isWhitespace }).first != "{" {
            return try FlowYAMLEdit.settingSkip(text, skip, onShape: shapeID)
        }
        var document = try FlowFile.document(from: text)
        guard case .object(var flow) = document, case .array(var shapes)? = flow["shapes"] else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "the flow has no list of shapes")])
        }
        guard let index = shapes.firstIndex(where: { $0["id"]?.stringValue == shapeID }), case .object(var shape) = shapes[index] else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "the flow has no shape '\(shapeID)'")])
        }
        if skip {
            if shape["skip"] != nil {
                shape["skip"] = true
            } else {
                // Next to the id, where a reader looks first.
                let position = (shape.index(forKey: "id").map { $0 + 1 }) ?? 0
                shape.updateValue(true, forKey: "skip", insertingAt: position)
            }
        } else {
            shape.removeValue(forKey: "skip")
        }
        shapes[index] = .object(shape)
        flow["shapes"] = .array(shapes)
        document = .object(flow)
        return document.serialized(.pretty) + "\n"
    }
}
