public import SkeinCore
import SkeinJSON
import SkeinSFTP

/// `sftp` (connector): reads files from, or writes files to, a directory on an SFTP server.
///
/// ```yaml
/// - id: fetch-stock
///   sftp:
///     instance: warehouse        # connectorType sftp; address host[:port]
///     direction: receive         # one payload per file, bytes untouched
///     path: /outbound
///     pattern: "*.csv"           # * and ? wildcards; default *
///     after: move                # keep (default), delete or move
///     move_to: /archive
///     max_files: 100             # default 100
/// - id: drop-orders
///   sftp:
///     instance: warehouse
///     direction: send            # one file per payload
///     path: /inbound
///     filename: "order-{{payload.order_number}}.json"
/// ```
///
/// Each step opens one SSH connection, verifies the host key pinned on the instance, and
/// records every list/read/write/delete/move with its path, size and duration.
/// See docs/connectors-sftp.md.
public struct SFTPShape: ShapeKind, InstanceKind {
    public init() {}

    public static let spec = ShapeSpec(
        type: "sftp", category: .connector, summary: "Receive files from, or send payloads as files to, an SFTP server.",
        help: "Each step opens one SSH connection and verifies the host key pinned on the instance; see docs/connectors-sftp.md.",
        settings: SFTPShapeSettings.spec,
        example: """
            - id: fetch-stock
              sftp:
                instance: warehouse
                direction: receive
                path: /outbound
                pattern: "*.csv"
                after: move
                move_to: /archive
            """)

    public var spec: ShapeSpec { Self.spec }
    public var instanceSpecs: [InstanceSpec] { [SFTPInstance.spec] }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        SFTPExecutor(settings: SFTPShapeSettings(settings))
    }

    /// For `skein instance test`: connect, verify the host key, authenticate and list the
    /// login directory. Returns whether it worked and a sentence that never holds a secret.
    public func testConnection(instance: Instance) async -> (ok: Bool, message: String, calls: [JSON]) {
        let recorder = CallRecorder()
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let configuration = try SFTPInstance.configuration(for: instance)
            let log = OperationLog(instance: instance, recorder: recorder)
            let count = try await SFTPClient.withConnection(configuration) { client in
                let home = try await client.canonicalPath(".")
                return try await log.run("list", path: home) { try await client.list(home) }.count
            }
            let elapsed = DurationText.format(clock.now - started)
            return (
                true,
                "instance '\(instance.name)': connected, host key verified, logged in as "
                    + "\(configuration.username) and listed the login directory (\(count) entries) in \(elapsed)", recorder.calls
            )
        } catch {
            return (false, SFTPFailures.failure(error, instance: instance).message, recorder.calls)
        }
    }
}
