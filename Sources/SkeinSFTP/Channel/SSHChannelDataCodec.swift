import NIOCore
import NIOSSH

/// Adapts an SSH session channel to a plain byte stream: unwraps inbound
/// `SSHChannelData` of type `.channel` and wraps outbound bytes.
///
/// Extended data (`.stdErr`) is dropped: the SFTP subsystem does not use it.
final class SSHChannelDataCodec: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = SSHChannelData

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channelData = Self.unwrapInboundIn(data)
        guard channelData.type == .channel, case .byteBuffer(let bytes) = channelData.data else { return }
        context.fireChannelRead(Self.wrapInboundOut(bytes))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = Self.unwrapOutboundIn(data)
        context.write(Self.wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(bytes))), promise: promise)
    }
}
