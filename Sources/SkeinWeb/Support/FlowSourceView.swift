import SkeinCore
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
