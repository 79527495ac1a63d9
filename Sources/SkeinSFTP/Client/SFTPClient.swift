import Logging
import NIOCore
import NIOPosix

/// An SFTP (protocol version 3) client over one SSH connection.
///
/// ```swift
/// let client = try await SFTPClient.connect(configuration)
/// defer { Task { try? await client.close() } }   // or use SFTPClient.withConnection
/// try await client.write("/upload/report.csv", Array(csv.utf8))
/// for entry in try await client.list("/upload") { print(entry.name, entry.size ?? 0) }
/// ```
///
/// All methods are safe to call concurrently; requests are multiplexed on one SFTP channel.
/// Every error thrown is an ``SFTPError`` (or `CancellationError` while connecting).
public final class SFTPClient: Sendable {
    let connection: Channel
    let sftp: Channel
    let endpoint: String
    let serverExtensions: [String: String]
    let logger: Logger

    /// Bytes per READ/WRITE request. 32 KiB is what every SFTP server accepts.
    static let chunkSize = 32 * 1024
    /// READ/WRITE requests kept in flight at once during a transfer.
    static let requestsInFlight = 16

    private init(session: SFTPSessionChannels, endpoint: String, logger: Logger) {
        self.connection = session.connection
        self.sftp = session.sftp
        self.endpoint = endpoint
        self.serverExtensions = session.serverVersion.extensions
        self.logger = logger
    }

    /// A client dropped without ``close()`` still releases its connection.
    deinit {
        connection.close(promise: nil)
    }

    /// Connects, verifies the host key, authenticates and starts the SFTP subsystem.
    ///
    /// - Parameters:
    ///   - configuration: where to connect and how to authenticate.
    ///   - eventLoopGroup: the NIO event loops to run on (a shared singleton by default).
    ///   - logger: receives debug logs with the endpoint and user; never credentials.
    /// - Throws: ``SFTPError`` with code `.connectionFailed`, `.timeout`, `.hostKeyMismatch`,
    ///   `.authenticationFailed`, `.invalidConfiguration`, `.invalidPrivateKey`,
    ///   `.unsupportedKeyType`, `.connectionClosed` or `.protocolError`.
    public static func connect(
        _ configuration: SFTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "skein.sftp")
    ) async throws -> SFTPClient {
        var logger = logger
        logger[metadataKey: "sftp.endpoint"] = "\(configuration.endpointDescription)"
        logger[metadataKey: "sftp.user"] = "\(configuration.username)"
        logger.debug("connecting")
        let session = try await SFTPConnector.connect(configuration, group: eventLoopGroup, logger: logger)
        logger.debug(
            "SFTP session started",
            metadata: ["sftp.serverExtensions": "\(session.serverVersion.extensions.keys.sorted())"])
        return SFTPClient(session: session, endpoint: configuration.endpointDescription, logger: logger)
    }

    /// Connects, runs `body`, and closes the connection whether `body` succeeds or throws.
    public static func withConnection<Result: Sendable>(
        _ configuration: SFTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "skein.sftp"),
        _ body: (SFTPClient) async throws -> Result
    ) async throws -> Result {
        let client = try await connect(configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            let result = try await body(client)
            try await client.close()
            return result
        } catch {
            try? await client.close()
            throw error
        }
    }

    /// Closes the SFTP channel and the SSH connection. Calling it twice is harmless.
    /// Requests still in flight fail with ``SFTPError/Code/connectionClosed``.
    public func close() async throws {
        do {
            try await connection.close()
        } catch ChannelError.alreadyClosed {
            // Closing twice, or the server hung up first: both fine.
        }
        logger.debug("closed")
    }
}
