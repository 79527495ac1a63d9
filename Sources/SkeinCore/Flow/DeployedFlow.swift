public import Foundation

/// A flow version as deployed: the file's text (kept verbatim, so what runs is what was
/// reviewed) and the definition read from it.
public struct DeployedFlow: Sendable {
    public var flowID: String
    public var version: Int
    public var source: String
    public var definition: FlowDefinition
    public var deployedAt: Date
    /// Whether the flow's trigger (schedule, webhook) is active. Manual runs work regardless.
    public var enabled: Bool

    public init(flowID: String, version: Int, source: String, definition: FlowDefinition, deployedAt: Date, enabled: Bool) {
        self.flowID = flowID
        self.version = version
        self.source = source
        self.definition = definition
        self.deployedAt = deployedAt
        self.enabled = enabled
    }
}
