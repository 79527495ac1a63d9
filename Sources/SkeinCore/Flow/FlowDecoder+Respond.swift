extension FlowDecoder {
    /// Checks the step named by `respond:` exists, or picks the last top-level shape when none is named.
    func resolveRespond(_ respond: WebhookResponse, shapes: [ShapeDefinition], problems: ProblemList) -> WebhookResponse? {
        let path = "trigger.webhook.respond.step"
        var respond = respond
        if respond.stepID.isEmpty {
            guard let last = shapes.last else { return nil }
            if last.structure != nil {
                problems.add(path, "the flow ends with the \(last.type) '\(last.id)'; name the step whose payloads answer the caller")
                return nil
            }
            respond.stepID = last.id
        } else if FlowDefinition(id: "respond", name: "respond", shapes: shapes).shape(withID: respond.stepID) == nil {
            problems.add(path, "there is no shape '\(respond.stepID)' in the flow")
            return nil
        }
        return respond
    }
}
