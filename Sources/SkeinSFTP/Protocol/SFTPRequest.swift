import NIOCore

/// An opaque file or directory handle returned by the server for `OPEN` / `OPENDIR`.
struct SFTPHandle: Sendable, Hashable {
    var bytes: [UInt8]
}

/// Flags for `SSH_FXP_OPEN` (§6.3).
struct SFTPOpenFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let read = SFTPOpenFlags(rawValue: 0x01)
    static let write = SFTPOpenFlags(rawValue: 0x02)
    static let append = SFTPOpenFlags(rawValue: 0x04)
    static let create = SFTPOpenFlags(rawValue: 0x08)
    static let truncate = SFTPOpenFlags(rawValue: 0x10)
    static let exclusive = SFTPOpenFlags(rawValue: 0x20)
}

/// A client-to-server SFTP request. Every request except `INIT` carries a request id,
/// which is assigned when the request is encoded (see ``SFTPPacketEncoder``).
enum SFTPRequest: Sendable, Hashable {
    case open(path: String, flags: SFTPOpenFlags, attributes: SFTPAttributes)
    case close(SFTPHandle)
    case read(SFTPHandle, offset: UInt64, length: UInt32)
    case write(SFTPHandle, offset: UInt64, data: ByteBuffer)
    case lstat(path: String)
    case fstat(SFTPHandle)
    case openDirectory(path: String)
    case readDirectory(SFTPHandle)
    case remove(path: String)
    case makeDirectory(path: String, attributes: SFTPAttributes)
    case removeDirectory(path: String)
    case realPath(path: String)
    case stat(path: String)
    case rename(from: String, to: String)
    /// The `posix-rename@openssh.com` extension: rename that replaces an existing target.
    case posixRename(from: String, to: String)

    /// A short name for logs and error messages ("open", "read", ...).
    var operationName: String {
        switch self {
        case .open: "open"
        case .close: "close"
        case .read: "read"
        case .write: "write"
        case .lstat: "lstat"
        case .fstat: "fstat"
        case .openDirectory: "opendir"
        case .readDirectory: "readdir"
        case .remove: "remove"
        case .makeDirectory: "mkdir"
        case .removeDirectory: "rmdir"
        case .realPath: "realpath"
        case .stat: "stat"
        case .rename, .posixRename: "rename"
        }
    }
}

/// Turns SFTP requests into complete wire packets (`uint32 length`, `byte type`, payload).
///
/// Pure: no I/O, no state. The caller owns request-id allocation.
enum SFTPPacketEncoder {
    /// The SFTP protocol version this client speaks.
    static let protocolVersion: UInt32 = 3

    /// Encodes `SSH_FXP_INIT`, the first packet of every session (it has no request id).
    static func encodeInitialize(version: UInt32 = protocolVersion, into buffer: inout ByteBuffer) {
        self.writePacket(type: .initialize, into: &buffer) { payload in
            payload.writeInteger(version)
        }
    }

    /// Encodes `request` with request id `id` as one complete packet appended to `buffer`.
    static func encode(_ request: SFTPRequest, id: UInt32, into buffer: inout ByteBuffer) {
        switch request {
        case .open(let path, let flags, let attributes):
            self.writePacket(type: .open, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPString(path)
                payload.writeInteger(flags.rawValue)
                payload.writeSFTPAttributes(attributes)
            }
        case .close(let handle):
            self.writeHandleRequest(.close, id: id, handle: handle, into: &buffer)
        case .read(let handle, let offset, let length):
            self.writePacket(type: .read, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPBytes(handle.bytes)
                payload.writeInteger(offset)
                payload.writeInteger(length)
            }
        case .write(let handle, let offset, let data):
            self.writePacket(type: .write, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPBytes(handle.bytes)
                payload.writeInteger(offset)
                payload.writeSFTPBytes(data)
            }
        case .lstat(let path):
            self.writePathRequest(.lstat, id: id, path: path, into: &buffer)
        case .fstat(let handle):
            self.writeHandleRequest(.fstat, id: id, handle: handle, into: &buffer)
        case .openDirectory(let path):
            self.writePathRequest(.opendir, id: id, path: path, into: &buffer)
        case .readDirectory(let handle):
            self.writeHandleRequest(.readdir, id: id, handle: handle, into: &buffer)
        case .remove(let path):
            self.writePathRequest(.remove, id: id, path: path, into: &buffer)
        case .makeDirectory(let path, let attributes):
            self.writePacket(type: .mkdir, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPString(path)
                payload.writeSFTPAttributes(attributes)
            }
        case .removeDirectory(let path):
            self.writePathRequest(.rmdir, id: id, path: path, into: &buffer)
        case .realPath(let path):
            self.writePathRequest(.realpath, id: id, path: path, into: &buffer)
        case .stat(let path):
            self.writePathRequest(.stat, id: id, path: path, into: &buffer)
        case .rename(let from, let to):
            self.writePacket(type: .rename, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPString(from)
                payload.writeSFTPString(to)
            }
        case .posixRename(let from, let to):
            self.writePacket(type: .extended, into: &buffer) { payload in
                payload.writeInteger(id)
                payload.writeSFTPString(SFTPExtensionName.posixRename)
                payload.writeSFTPString(from)
                payload.writeSFTPString(to)
            }
        }
    }

    private static func writePathRequest(
        _ type: SFTPPacketType, id: UInt32, path: String, into buffer: inout ByteBuffer
    ) {
        self.writePacket(type: type, into: &buffer) { payload in
            payload.writeInteger(id)
            payload.writeSFTPString(path)
        }
    }

    private static func writeHandleRequest(
        _ type: SFTPPacketType, id: UInt32, handle: SFTPHandle, into buffer: inout ByteBuffer
    ) {
        self.writePacket(type: type, into: &buffer) { payload in
            payload.writeInteger(id)
            payload.writeSFTPBytes(handle.bytes)
        }
    }

    /// Writes the length prefix and type byte around the payload written by `body`.
    private static func writePacket(
        type: SFTPPacketType, into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void
    ) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // placeholder, patched below
        buffer.writeInteger(type.rawValue)
        body(&buffer)
        let length = buffer.writerIndex - lengthIndex - 4
        buffer.setInteger(UInt32(length), at: lengthIndex)
    }
}

/// Names of the protocol extensions this client knows how to use.
enum SFTPExtensionName {
    static let posixRename = "posix-rename@openssh.com"
}
