import CompressNIO
import NIOCore
public import SkeinCore

/// How payloads are written to storage: their bytes exactly as produced, deflated when that
/// saves space. Both backends use this codec, so a payload reads back identically from either.
///
/// Both directions stream through zlib a megabyte at a time straight into the result array
/// (whose capacity is reserved up front, so only the bytes written become resident): a large
/// payload costs its own bytes plus the other form, never a second whole copy of either
/// (100 MB payloads: docs/benchmarks.md, scenario 4). zlib runs at its fastest level: payloads
/// are JSON and text, which shrink well even so, and storing them sits on every run's path.
public enum PayloadCodec {
    /// Payloads smaller than this are stored as they are: compressing them saves nothing.
    static let compressionThreshold = 512
    /// How much input zlib is handed at a time.
    static let chunkSize = 1 << 20

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
        guard bytes.count >= compressionThreshold, let compressed = try? deflate(bytes) else {
            return Encoded(encoding: "identity", data: bytes, size: bytes.count)
        }
        return Encoded(encoding: "deflate", data: compressed, size: bytes.count)
    }

    /// Raised inside `deflate` when the output grows as large as the input: storing the bytes as
    /// they are is then smaller, and the compression stops early.
    struct NotSmaller: Error {}

    private static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let compressor = CompressionAlgorithm.deflate(configuration: .init(compressionLevel: .fastestCompression)).compressor
        compressor.window = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        try compressor.startStream()
        defer { try? compressor.finishStream() }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            var chunk = ByteBuffer(bytes: bytes[offset..<end])
            try chunk.compressStream(with: compressor, flush: end == bytes.count ? .finish : .no) { window in
                output.append(contentsOf: window.readableBytesView)
                if output.count >= bytes.count { throw NotSmaller() }
            }
            offset = end
        }
        return output
    }

    /// The payload's bytes from what was stored. Takes the stored bytes in whatever collection
    /// the backend reads them as, so a large payload is not copied once more on the way.
    public static func decode<Stored: Collection<UInt8>>(encoding: String, data: Stored, size: Int) throws -> [UInt8] {
        switch encoding {
        case "identity": return Array(data)
        case "deflate":
            let decompressor = CompressionAlgorithm.deflate().decompressor
            decompressor.window = ByteBufferAllocator().buffer(capacity: 256 * 1024)
            try decompressor.startStream()
            defer { try? decompressor.finishStream() }
            var output: [UInt8] = []
            output.reserveCapacity(size)
            var start = data.startIndex
            while start != data.endIndex {
                let end = data.index(start, offsetBy: chunkSize, limitedBy: data.endIndex) ?? data.endIndex
                var chunk = ByteBuffer(bytes: data[start..<end])
                try chunk.decompressStream(with: decompressor) { window in
                    output.append(contentsOf: window.readableBytesView)
                    if output.count > size + 1024 {
                        throw StorageError(.corrupt, "a stored payload inflates beyond its recorded size of \(size) bytes")
                    }
                }
                start = end
            }
            return output
        default:
            throw StorageError(.corrupt, "unknown payload encoding '\(encoding)'")
        }
    }
}
