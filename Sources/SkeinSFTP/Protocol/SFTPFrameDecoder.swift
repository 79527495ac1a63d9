import NIOCore

/// Splits the SFTP byte stream into packets: each packet is a `uint32` length followed by
/// that many bytes. Emits the bytes after the length (type byte + payload).
struct SFTPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Largest packet we accept. OpenSSH never sends more than 256 KiB; a bigger length
    /// means a corrupt stream, and we refuse it rather than buffering without bound.
    static let maximumPacketLength = 4 * 1024 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// Removes and returns the next complete frame, or `nil` if `buffer` does not hold one yet.
    static func nextFrame(from buffer: inout ByteBuffer) throws(SFTPDecodingError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length <= Self.maximumPacketLength else {
            throw SFTPDecodingError(description: "SFTP packet length \(length) exceeds the \(Self.maximumPacketLength)-byte limit")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}
