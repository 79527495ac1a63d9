import Logging
import NIOCore
import NIOPosix
import NIOSSH

/// An established SFTP session: the TCP/SSH channel and the SFTP child channel on it.
struct SFTPSessionChannels: Sendable {
    var connection: Channel
    var sftp: Channel
    var serverVersion: SFTPServerVersion
}

/// Opens TCP, runs the SSH handshake, starts the `sftp` subsystem and negotiates SFTP v3.
enum SFTPConnector {
    static func connect(
        _ configuration: SFTPConfiguration,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws -> SFTPSessionChannels {
        let endpoint = configuration.endpointDescription
        guard (1...65535).contains(configuration.port) else {
            throw SFTPError(.invalidConfiguration, "port \(configuration.port) for \(configuration.host) is not in 1...65535")
        }
        // Resolve configuration before touching the network so mistakes fail fast and clearly.
        let expectedHostKey = try ExpectedHostKey(configuration.hostKey)
        let credential: ResolvedCredential
        do {
            credential = try ResolvedCredential(configuration.authentication)
        } catch {
            throw SFTPError(
                error.code,
                "cannot use the private key configured for '\(configuration.username)' at \(endpoint): \(error.message)")
        }
        if case .any = expectedHostKey {
            logger.warning("SFTP host key verification is disabled (trustAny); use only in tests")
        }

        let clock = ContinuousClock()
        let deadline = clock.now + configuration.connectTimeout
        let connection = try await openConnection(
            configuration, expectedHostKey: expectedHostKey, credential: credential, group: group, logger: logger)

        // Every step after TCP connect shares what is left of connectTimeout. On timeout we
        // close the connection, which makes the pending step fail promptly.
        let remaining = deadline - clock.now
        do {
            return try await withThrowingTaskGroup(of: SFTPSessionChannels?.self) { tasks in
                tasks.addTask {
                    try await establishSession(on: connection.channel, authenticated: connection.authenticated, configuration)
                }
                tasks.addTask {
                    try await Task.sleep(for: remaining)
                    return nil
                }
                defer { tasks.cancelAll() }
                guard let session = try await tasks.next() ?? nil else {
                    connection.channel.close(promise: nil)
                    throw SFTPError(
                        .timeout,
                        "connecting to \(endpoint) timed out after \(configuration.connectTimeout) "
                            + "(SSH handshake, authentication or SFTP start-up did not finish)")
                }
                return session
            }
        } catch {
            connection.channel.close(promise: nil)
            throw ConnectErrorTranslator(configuration: configuration).translate(error)
        }
    }

    private static func openConnection(
        _ configuration: SFTPConfiguration,
        expectedHostKey: ExpectedHostKey,
        credential: ResolvedCredential,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws -> (channel: Channel, authenticated: EventLoopFuture<Void>) {
        let eventLoop = group.next()
        let authenticated = eventLoop.makePromise(of: Void.self)
        let username = configuration.username
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(ChannelOptions.socket(SocketOptionLevel(IPPROTO_TCP), TCP_NODELAY), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let clientConfiguration = SSHClientConfiguration(
                        userAuthDelegate: SingleCredentialAuthenticator(username: username, credential: credential),
                        serverAuthDelegate: HostKeyVerifier(expected: expectedHostKey)
                    )
                    let ssh = NIOSSHHandler(
                        role: .client(clientConfiguration),
                        allocator: channel.allocator,
                        inboundChildChannelInitializer: nil
                    )
                    try channel.pipeline.syncOperations.addHandler(ssh)
                    try channel.pipeline.syncOperations.addHandler(
                        SSHSessionEstablishmentHandler(authenticated: authenticated, logger: logger))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            return (channel, authenticated.futureResult)
        } catch {
            authenticated.fail(error)
            throw ConnectErrorTranslator(configuration: configuration).translate(error)
        }
    }

    private static func establishSession(
        on connection: Channel,
        authenticated: EventLoopFuture<Void>,
        _ configuration: SFTPConfiguration
    ) async throws -> SFTPSessionChannels {
        try await authenticated.get()

        let sftp = try await openSFTPChannel(on: connection, requestTimeout: TimeAmount(configuration.requestTimeout))

        let subsystemStarted = sftp.eventLoop.makePromise(of: Void.self)
        sftp.writeAndFlush(SFTPChannelCommand.startSubsystem(subsystemStarted)).cascadeFailure(to: subsystemStarted)
        try await subsystemStarted.futureResult.get()

        let versionReceived = sftp.eventLoop.makePromise(of: SFTPServerVersion.self)
        sftp.writeAndFlush(SFTPChannelCommand.initialize(versionReceived)).cascadeFailure(to: versionReceived)
        let version = try await versionReceived.futureResult.get()
        guard version.version == SFTPPacketEncoder.protocolVersion else {
            throw SFTPError(
                .protocolError,
                "the SFTP server at \(configuration.endpointDescription) speaks protocol version \(version.version); "
                    + "this client supports version 3 only")
        }
        return SFTPSessionChannels(connection: connection, sftp: sftp, serverVersion: version)
    }

    private static func openSFTPChannel(on connection: Channel, requestTimeout: TimeAmount) async throws -> Channel {
        let opened = connection.eventLoop.makePromise(of: Channel.self)
        connection.eventLoop.execute {
            do {
                let ssh = try connection.pipeline.syncOperations.handler(type: NIOSSHHandler.self)
                ssh.createChannel(opened, channelType: .session) { child, _ in
                    child.eventLoop.makeCompletedFuture {
                        let pipeline = child.pipeline.syncOperations
                        try pipeline.addHandler(SSHChannelDataCodec())
                        try pipeline.addHandler(ByteToMessageHandler(SFTPFrameDecoder()))
                        try pipeline.addHandler(SFTPChannelHandler(requestTimeout: requestTimeout))
                    }
                }
            } catch {
                opened.fail(error)
            }
        }
        return try await opened.futureResult.get()
    }
}
