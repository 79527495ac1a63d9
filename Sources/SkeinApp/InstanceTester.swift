import SkeinConnectorsDatabase
import SkeinConnectorsHTTP
import SkeinConnectorsSFTP
import SkeinCore
import SkeinShapes

/// The outcome of `skein instance test`: whether the instance works, and one sentence saying
/// what was checked or what is wrong (never a secret).
public struct InstanceTestResult: Sendable {
    public var ok: Bool
    public var message: String
}

extension SkeinEnvironment {
    /// Checks that the instance's system can be reached and accepts its credentials.
    public func testInstance(named name: String) async -> InstanceTestResult {
        let instance: Instance
        do { instance = try await instances.instance(named: name) } catch {
            return InstanceTestResult(ok: false, message: "\(error)")
        }
        switch instance.connectorType {
        case "http":
            let check = await ConnectorShapes.http(connectors).testConnection(instance: instance)
            return InstanceTestResult(ok: check.ok, message: check.message)
        case "sftp":
            let check = await SFTPShape().testConnection(instance: instance)
            return InstanceTestResult(ok: check.ok, message: check.message)
        case "database":
            let check = await DatabaseShape().testConnection(instance: instance)
            return InstanceTestResult(ok: check.ok, message: check.message)
        case "smtp":
            let check = await NotifyShape.testConnection(instance: instance)
            return InstanceTestResult(ok: check.ok, message: check.message)
        default:
            return InstanceTestResult(
                ok: false,
                message: """
                    instance '\(name)' has type '\(instance.connectorType)', which no connector in this build knows (http, sftp, database, smtp)
                    """)
        }
    }
}
