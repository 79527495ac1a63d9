import CompressNIO
import NIOCore
public import SkeinCore

/// How payloads are written to storage: their bytes exactly as produced, deflated when that
/// saves space. Both backends use this codec, so a payload reads back identically from either.
public enum PayloadCodec {
    /// Payloads smaller than this are stored as they are: compressing them saves nothing.
    static let compressionThreshold = 512

    public struct Encoded: Sendable {
        public var encoding: String
        public var data: [UInt8]
        public var size: Int
    }

    public static func encode(_ payload: Payload) -> Encoded {
        let bytes = payload.bytes()
        return encode(bytes: bytes)
    }

    public static func encode(bytes: [UInt8]) -> Encoded {
        guard bytes.count >= compressionThreshold else { return Encoded(encoding: "identity", data: bytes, size: bytes.count) }
        var input = ByteBuffer(bytes: bytes)
        guard let compressed = try? input.compress(with: .deflate()), compressed.readableBytes < bytes.count else {
            return Encoded(encoding: "identity", data: bytes, size: bytes.count)
        }
        return Encoded(encoding: "deflate", data: Array(buffer: compressed), size: bytes.count)
    }

    /// The payload's bytes from what was stored. Takes the stored bytes in whatever collection
    /// the backend reads them as, so a large payload is not copied once more on the way.
    public static func decode<Stored: Collection<UInt8>>(encoding: String, data: Stored, size: Int) throws -> [UInt8] {
        switch encoding {
        case "identity": return Array(data)
        case "deflate":
            var input = ByteBuffer(bytes: data)
            let output = try input.decompress(with: .deflate(), maxSize: max(size, 1) + 1024)
            return Array(buffer: output)
        default:
            throw StorageError(.corrupt, "unknown payload encoding '\(encoding)'")
        }
    }
}
