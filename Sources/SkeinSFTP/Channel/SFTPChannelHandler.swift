import NIOCore
import NIOSSH

/// What the client asks the SFTP channel to do. Written into the child channel with
/// `writeAndFlush`; each command carries the promise its answer completes.
enum SFTPChannelCommand: Sendable {
    /// Send the SSH "subsystem" request for `sftp` and wait for the server's yes/no.
    case startSubsystem(EventLoopPromise<Void>)
    /// Send `SSH_FXP_INIT` and wait for `SSH_FXP_VERSION`.
    case initialize(EventLoopPromise<SFTPServerVersion>)
    /// Send a request and wait for the response with the same request id.
    case request(SFTPRequest, EventLoopPromise<SFTPResponse>)
}

/// Transport-level failures of the SFTP channel. Internal: ``SFTPClient`` turns them into
/// ``SFTPError`` with the endpoint and path added.
enum SFTPChannelError: Error, Equatable {
    case channelClosed
    case requestTimedOut(seconds: Int64)
    case subsystemRejected
    case protocolViolation(String)
}

/// Matches SFTP requests to responses by request id, so that many requests can be in
/// flight at once (pipelining).
///
/// Runs on the channel's event loop; all state is confined to it. Every promise it is given
/// is completed exactly once: by the response, by the per-request timeout, or by the
/// channel closing.
final class SFTPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer  // one SFTP frame, see SFTPFrameDecoder
    typealias OutboundIn = SFTPChannelCommand
    typealias OutboundOut = ByteBuffer

    private struct PendingRequest {
        var promise: EventLoopPromise<SFTPResponse>
        var timeout: Scheduled<Void>
    }

    private let requestTimeout: TimeAmount
    private var pending: [UInt32: PendingRequest] = [:]
    private var nextRequestID: UInt32 = 1
    private var subsystemPromise: EventLoopPromise<Void>?
    private var versionPromise: EventLoopPromise<SFTPServerVersion>?
    private var isClosed = false

    init(requestTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = Self.unwrapOutboundIn(data)
        if isClosed {
            command.fail(SFTPChannelError.channelClosed)
            promise?.fail(SFTPChannelError.channelClosed)
            return
        }
        switch command {
        case .startSubsystem(let answer):
            subsystemPromise = answer
            let request = SSHChannelRequestEvent.SubsystemRequest(subsystem: "sftp", wantReply: true)
            context.triggerUserOutboundEvent(request, promise: promise)

        case .initialize(let answer):
            versionPromise = answer
            var buffer = context.channel.allocator.buffer(capacity: 9)
            SFTPPacketEncoder.encodeInitialize(into: &buffer)
            context.write(Self.wrapOutboundOut(buffer), promise: promise)

        case .request(let request, let answer):
            let id = allocateRequestID()
            let timeoutSeconds = requestTimeout.nanoseconds / 1_000_000_000
            let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { [self] in
                if let expired = self.pending.removeValue(forKey: id) {
                    expired.promise.fail(SFTPChannelError.requestTimedOut(seconds: timeoutSeconds))
                }
            }
            pending[id] = PendingRequest(promise: answer, timeout: timeout)
            var buffer = context.channel.allocator.buffer(capacity: Self.estimatedSize(of: request))
            SFTPPacketEncoder.encode(request, id: id, into: &buffer)
            context.write(Self.wrapOutboundOut(buffer), promise: promise)
        }
    }

    private func allocateRequestID() -> UInt32 {
        repeat {
            nextRequestID &+= 1
        } while pending[nextRequestID] != nil
        return nextRequestID
    }

    private static func estimatedSize(of request: SFTPRequest) -> Int {
        if case .write(_, _, let data) = request { return data.readableBytes + 64 }
        return 256
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        let response: SFTPResponse
        do {
            response = try SFTPPacketDecoder.decode(frame: frame)
        } catch {
            failEverything(SFTPChannelError.protocolViolation(error.description))
            context.close(promise: nil)
            return
        }

        if case .version(let version) = response {
            versionPromise?.succeed(version)
            versionPromise = nil
            return
        }
        guard let id = response.requestID, let request = pending.removeValue(forKey: id) else {
            // A late answer to a request that already timed out; nobody is waiting for it.
            return
        }
        request.timeout.cancel()
        request.promise.succeed(response)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelSuccessEvent:
            subsystemPromise?.succeed(())
            subsystemPromise = nil
        case is ChannelFailureEvent:
            subsystemPromise?.fail(SFTPChannelError.subsystemRejected)
            subsystemPromise = nil
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failEverything(SFTPChannelError.channelClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let reason: SFTPChannelError =
            if let decoding = error as? SFTPDecodingError {
                .protocolViolation(decoding.description)
            } else {
                .protocolViolation(String(describing: error))
            }
        failEverything(reason)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failEverything(SFTPChannelError.channelClosed)
    }

    private func failEverything(_ error: SFTPChannelError) {
        isClosed = true
        subsystemPromise?.fail(error)
        subsystemPromise = nil
        versionPromise?.fail(error)
        versionPromise = nil
        let requests = pending
        pending = [:]
        for request in requests.values {
            request.timeout.cancel()
            request.promise.fail(error)
        }
    }
}

extension SFTPChannelCommand {
    func fail(_ error: Error) {
        switch self {
        case .startSubsystem(let promise): promise.fail(error)
        case .initialize(let promise): promise.fail(error)
        case .request(_, let promise): promise.fail(error)
        }
    }
}
