extension FlowDecoder {
    /// `respond:` of a webhook trigger: `true`, or `{ step: ID, timeout: 30s }`.
    func readRespond(_ webhook: SettingsReader) -> WebhookResponse? {
        guard let value = webhook.raw("respond") else { return nil }
        if case .bool(let on) = value { return on ? WebhookResponse(stepID: "") : nil }
        guard let reader = SettingsReader(value, path: webhook.childPath("respond"), problems: webhook.problems) else { return nil }
        let step = reader.string("step")
        var timeout = WebhookResponse.defaultTimeout
        if let written = reader.duration("timeout") {
            if written <= .zero || written > WebhookResponse.maximumTimeout {
                reader.report("timeout", "must be more than 0 and at most \(DurationText.format(WebhookResponse.maximumTimeout))")
            } else {
                timeout = written
            }
        }
        reader.finish()
        return WebhookResponse(stepID: step ?? "", timeout: timeout)
    }

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
