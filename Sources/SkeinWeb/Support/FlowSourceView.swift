import SkeinCore
import SkeinJSON
import SkeinStorage

/// A deployed flow file as a role may read it. A webhook's token is what lets a sender start
/// runs, so only roles that may start runs (operator and up) see it; a viewer reads the file
/// with every occurrence of the token replaced by `[hidden]` — in the UI and the API alike.
enum FlowSourceView {
    static let hidden = "[hidden]"

    static func text(of flow: DeployedFlow, for role: Role) -> String {
        guard role < .operator, case .webhook(let webhook) = flow.definition.trigger, !webhook.token.isEmpty else { return flow.source }
        return flow.source.replacingAll(webhook.token, with: hidden)
    }
}

extension FlowSourceView {
    /// A flow file's text as `role` may see it — a draft's too, even one that does not validate:
    /// the webhook token is found in the document as far as it reads.
    static func text(_ source: String, for role: Role) -> String {
        guard role < .operator else { return source }
        guard let token = webhookToken(in: (try? FlowFile.document(from: source)) ?? .null) else { return source }
        return source.replacingAll(token, with: hidden)
    }

    /// A part of a flow document (a diff's side) with any webhook token hidden from `role`.
    static func redacted(_ value: JSON, for role: Role) -> JSON {
        guard role < .operator else { return value }
        switch value {
        case .object(var members):
            if case .object(var webhook)? = members["webhook"], webhook["token"] != nil {
                webhook["token"] = .string(hidden)
                members["webhook"] = .object(webhook)
            }
            return .object(members)
        default: return value
        }
    }

    static func webhookToken(in document: JSON) -> String? {
        guard let token = document.objectValue?["trigger"]?.objectValue?["webhook"]?.objectValue?["token"]?.stringValue, !token.isEmpty else { return nil }
        return token
    }
}
