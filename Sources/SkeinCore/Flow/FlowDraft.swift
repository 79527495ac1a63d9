public import Foundation

/// A flow's work in progress: the text a builder is editing before they deploy it.
///
/// A flow has at most one draft. Saving one never changes what runs — deployed versions are
/// never edited; "deploy" stores the draft's text as the flow's next version and removes the
/// draft. The draft may be invalid while someone works on it (it is validated again at deploy).
public struct FlowDraft: Sendable, Equatable {
    public var flowID: String
    /// The flow file's text, YAML or JSON, kept verbatim (comments and all).
    public var source: String
    /// The deployed version the draft was started from; nil for a flow never deployed. A deploy
    /// refuses a draft whose base is no longer the latest version (someone deployed meanwhile).
    public var baseVersion: Int?
    /// Who saved it last (a username, `name (token)`, or the command line).
    public var updatedBy: String
    public var updatedAt: Date

    public init(flowID: String, source: String, baseVersion: Int?, updatedBy: String, updatedAt: Date) {
        self.flowID = flowID
        self.source = source
        self.baseVersion = baseVersion
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}
