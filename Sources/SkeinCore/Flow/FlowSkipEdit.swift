import SkeinJSON

/// Turns a shape's `skip` on or off in a flow file's text, for deploying as a new version
/// (deployed versions are never edited).
///
/// The result is the flow as JSON — the document the YAML or JSON text describes, keys in their
/// order — with only that shape's `skip` changed (`skip: true` added, or removed when turned
/// off). YAML comments do not survive; the earlier version keeps the original text.
public enum FlowSkipEdit {
    public static func source(_ text: String, settingSkip skip: Bool, onShape shapeID: String) throws -> String {
        var document = try FlowFile.document(from: text)
        guard case .object(var flow) = document, case .array(var shapes)? = flow["shapes"] else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "the flow has no list of shapes")])
        }
        guard let index = shapes.firstIndex(where: { $0["id"]?.stringValue == shapeID }), case .object(var shape) = shapes[index] else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "the flow has no shape '\(shapeID)'")])
        }
        if skip {
            if shape["skip"] != nil { shape["skip"] = true } else {
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
