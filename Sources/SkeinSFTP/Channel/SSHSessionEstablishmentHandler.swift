import Logging
import NIOCore
import NIOSSH

/// Sits behind `NIOSSHHandler` on the TCP channel and reports how the SSH handshake ended:
/// it succeeds `authenticated` when the server accepts our credential, and fails it with the
/// first error (host key rejected, authentication rejected, protocol error, disconnect).
///
/// After the handshake it closes the connection on any error, which in turn fails all
/// outstanding SFTP requests.
final class SSHSessionEstablishmentHandler: ChannelInboundHandler {
    typealias InboundIn = Any

    private let authenticated: EventLoopPromise<Void>
    private let logger: Logger
    private var isAuthenticated = false

    init(authenticated: EventLoopPromise<Void>, logger: Logger) {
        self.authenticated = authenticated
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is UserAuthSuccessEvent {
            isAuthenticated = true
            authenticated.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if isAuthenticated {
            logger.debug("SSH connection error, closing", metadata: ["error": "\(error)"])
        }
        authenticated.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        authenticated.fail(ChannelError.eof)
        context.fireChannelInactive()
    }

    /// `NIOSSHHandler` does not forward `channelInactive`, so a close before authentication
    /// is noticed here, when the closing pipeline removes its handlers.
    func handlerRemoved(context: ChannelHandlerContext) {
        authenticated.fail(ChannelError.eof)
    }
}
