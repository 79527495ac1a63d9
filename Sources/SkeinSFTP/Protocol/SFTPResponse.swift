import NIOCore

/// One entry of an `SSH_FXP_NAME` reply.
struct SFTPNameEntry: Sendable, Hashable {
    var filename: String
    /// The `ls -l` style line the server formats (informational only).
    var longName: String
    var attributes: SFTPAttributes
}

/// The server's `SSH_FXP_VERSION` reply to our `INIT`.
struct SFTPServerVersion: Sendable, Hashable {
    var version: UInt32
    /// Extension name to extension data, e.g. `"posix-rename@openssh.com": "1"`.
    var extensions: [String: String]
}

/// A server-to-client SFTP packet.
enum SFTPResponse: Sendable, Hashable {
    case version(SFTPServerVersion)
    case status(id: UInt32, SFTPStatus)
    case handle(id: UInt32, SFTPHandle)
    case data(id: UInt32, ByteBuffer)
    case name(id: UInt32, [SFTPNameEntry])
    case attributes(id: UInt32, SFTPAttributes)
    case extendedReply(id: UInt32, ByteBuffer)

    /// The request id this packet answers (`nil` for `VERSION`, which answers `INIT`).
    var requestID: UInt32? {
        switch self {
        case .version: nil
        case .status(let id, _), .handle(let id, _), .data(let id, _), .name(let id, _),
            .attributes(let id, _), .extendedReply(let id, _):
            id
        }
    }
}

/// Why a server packet could not be decoded. Internal: the client reports it as
/// ``SFTPError/Code/protocolError``.
struct SFTPDecodingError: Error, Hashable, CustomStringConvertible {
    var description: String
}

/// Decodes server packets. Pure: no I/O, no state.
enum SFTPPacketDecoder {
    /// Decodes one packet whose length prefix has already been removed (see ``SFTPFrameDecoder``):
    /// `frame` holds the type byte and the payload.
    static func decode(frame: ByteBuffer) throws(SFTPDecodingError) -> SFTPResponse {
        var buffer = frame
        guard let typeByte = buffer.readInteger(as: UInt8.self) else {
            throw SFTPDecodingError(description: "empty SFTP packet")
        }
        guard let type = SFTPPacketType(rawValue: typeByte) else {
            throw SFTPDecodingError(description: "unknown SFTP packet type \(typeByte)")
        }
        func truncated() -> SFTPDecodingError {
            SFTPDecodingError(description: "truncated SFTP \(type) packet")
        }

        if type == .version {
            guard let version = buffer.readInteger(as: UInt32.self) else { throw truncated() }
            var extensions: [String: String] = [:]
            while buffer.readableBytes > 0 {
                guard let name = buffer.readSFTPString(), let data = buffer.readSFTPString() else {
                    throw truncated()
                }
                extensions[name] = data
            }
            return .version(SFTPServerVersion(version: version, extensions: extensions))
        }

        guard let id = buffer.readInteger(as: UInt32.self) else { throw truncated() }
        switch type {
        case .status:
            guard let code = buffer.readInteger(as: UInt32.self) else { throw truncated() }
            // Some old servers omit the message and language; treat them as empty.
            let message = buffer.readSFTPString() ?? ""
            let language = buffer.readSFTPString() ?? ""
            return .status(
                id: id, SFTPStatus(code: .init(rawValue: code), message: message, languageTag: language))
        case .handle:
            guard let handle = buffer.readSFTPBytes() else { throw truncated() }
            return .handle(id: id, SFTPHandle(bytes: handle))
        case .data:
            guard let data = buffer.readSFTPBuffer() else { throw truncated() }
            return .data(id: id, data)
        case .name:
            guard let count = buffer.readInteger(as: UInt32.self) else { throw truncated() }
            // Each entry needs at least 12 bytes; refuse absurd counts before allocating.
            guard Int(count) <= buffer.readableBytes / 12 else { throw truncated() }
            var entries: [SFTPNameEntry] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let filename = buffer.readSFTPString(),
                    let longName = buffer.readSFTPString(),
                    let attributes = buffer.readSFTPAttributes()
                else { throw truncated() }
                entries.append(SFTPNameEntry(filename: filename, longName: longName, attributes: attributes))
            }
            return .name(id: id, entries)
        case .attributes:
            guard let attributes = buffer.readSFTPAttributes() else { throw truncated() }
            return .attributes(id: id, attributes)
        case .extendedReply:
            return .extendedReply(id: id, buffer)
        default:
            throw SFTPDecodingError(description: "unexpected client-side packet type \(type) from server")
        }
    }
}
