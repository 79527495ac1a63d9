import Foundation
import SkeinStorage
import Testing

/// The payload codec streams through zlib a megabyte at a time: what it stores must read back
/// byte for byte across chunk boundaries, and bytes that do not shrink are kept as they are.
@Suite struct PayloadCodecTests {
    @Test func multiMegabytePayloadsRoundTripAcrossChunkBoundaries() throws {
        var generator = SystemRandomNumberGenerator()
        // 3.5 MB: compressible text with random hex inside, so zlib's output crosses its window many times.
        var bytes: [UInt8] = []
        while bytes.count < 3_500_000 {
            bytes += Array("\(bytes.count);\(String(generator.next(), radix: 16));\"a, b\"\r\n".utf8)
        }
        let encoded = PayloadCodec.encode(bytes: bytes)
        #expect(encoded.encoding == "deflate" && encoded.data.count < bytes.count / 2)
        #expect(try PayloadCodec.decode(encoding: encoded.encoding, data: encoded.data, size: encoded.size) == bytes)
        #expect(try PayloadCodec.decode(encoding: encoded.encoding, data: Data(encoded.data), size: encoded.size) == bytes)
    }

    @Test func incompressibleBytesAreStoredAsTheyAre() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<2_100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let encoded = PayloadCodec.encode(bytes: bytes)
        #expect(encoded.encoding == "identity" && encoded.data == bytes)
    }

    @Test func aPayloadInflatingBeyondItsRecordedSizeIsReportedAsCorrupt() throws {
        let bytes = [UInt8](repeating: 65, count: 100_000)
        let encoded = PayloadCodec.encode(bytes: bytes)
        #expect(throws: StorageError.self) { try PayloadCodec.decode(encoding: "deflate", data: encoded.data, size: 10) }
    }
}
