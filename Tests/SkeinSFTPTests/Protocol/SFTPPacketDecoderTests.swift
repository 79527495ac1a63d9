import NIOCore
import Testing

@testable import SkeinSFTP

@Suite("Decoding SFTP responses")
struct SFTPPacketDecoderTests {
    /// Builds a frame (type byte + payload) the way a server would.
    private func frame(_ type: UInt8, _ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(type)
        body(&buffer)
        return buffer
    }

    @Test("VERSION with extensions")
    func version() throws {
        let response = try SFTPPacketDecoder.decode(
            frame: frame(2) {
                $0.writeInteger(UInt32(3))
                $0.writeSFTPString("posix-rename@openssh.com")
                $0.writeSFTPString("1")
            })
        #expect(response == .version(SFTPServerVersion(version: 3, extensions: ["posix-rename@openssh.com": "1"])))
        #expect(response.requestID == nil)
    }

    @Test("STATUS with message, and without (old servers)")
    func status() throws {
        let full = try SFTPPacketDecoder.decode(
            frame: frame(101) {
                $0.writeInteger(UInt32(9))
                $0.writeInteger(UInt32(2))
                $0.writeSFTPString("No such file")
                $0.writeSFTPString("en")
            })
        #expect(full == .status(id: 9, SFTPStatus(code: .noSuchFile, message: "No such file", languageTag: "en")))

        let bare = try SFTPPacketDecoder.decode(
            frame: frame(101) {
                $0.writeInteger(UInt32(1))
                $0.writeInteger(UInt32(42))
            })
        #expect(bare == .status(id: 1, SFTPStatus(code: .other(42), message: "", languageTag: "")))
    }

    @Test("HANDLE, DATA and ATTRS")
    func handleDataAttributes() throws {
        #expect(
            try SFTPPacketDecoder.decode(
                frame: frame(102) {
                    $0.writeInteger(UInt32(5))
                    $0.writeSFTPBytes([1, 2, 3])
                }) == .handle(id: 5, SFTPHandle(bytes: [1, 2, 3])))
        #expect(
            try SFTPPacketDecoder.decode(
                frame: frame(103) {
                    $0.writeInteger(UInt32(6))
                    $0.writeSFTPBytes([0xFF])
                }) == .data(id: 6, ByteBuffer(bytes: [0xFF])))
        let attributes = SFTPAttributes(size: 10, permissions: 0o40755)
        #expect(
            try SFTPPacketDecoder.decode(
                frame: frame(105) {
                    $0.writeInteger(UInt32(7))
                    $0.writeSFTPAttributes(attributes)
                }) == .attributes(id: 7, attributes))
    }

    @Test("NAME with several entries")
    func name() throws {
        let response = try SFTPPacketDecoder.decode(
            frame: frame(104) {
                $0.writeInteger(UInt32(8))
                $0.writeInteger(UInt32(2))
                for name in ["a.txt", "dir"] {
                    $0.writeSFTPString(name)
                    $0.writeSFTPString("-rw-r--r-- 1 u g 0 Jan 1 00:00 \(name)")
                    $0.writeSFTPAttributes(SFTPAttributes(size: 1))
                }
            })
        guard case .name(8, let entries) = response else {
            Issue.record("expected NAME, got \(response)")
            return
        }
        #expect(entries.map(\.filename) == ["a.txt", "dir"])
        #expect(entries.allSatisfy { $0.attributes.size == 1 })
    }

    @Test("Truncated and unknown packets are errors, not crashes")
    func malformed() {
        #expect(throws: SFTPDecodingError.self) { try SFTPPacketDecoder.decode(frame: ByteBuffer()) }
        #expect(throws: SFTPDecodingError.self) { try SFTPPacketDecoder.decode(frame: ByteBuffer(bytes: [77, 0, 0, 0, 1])) }
        #expect(throws: SFTPDecodingError.self) {
            try SFTPPacketDecoder.decode(frame: ByteBuffer(bytes: [102, 0, 0, 0, 1, 0, 0, 0, 9, 1]))
        }
        // A NAME claiming a billion entries must not allocate for them.
        #expect(throws: SFTPDecodingError.self) {
            try SFTPPacketDecoder.decode(frame: ByteBuffer(bytes: [104, 0, 0, 0, 1, 0x40, 0, 0, 0]))
        }
    }

    @Test("The frame decoder waits for whole packets and splits several")
    func framing() throws {
        var stream = ByteBuffer(bytes: [0, 0, 0, 2, 101])
        #expect(try SFTPFrameDecoder.nextFrame(from: &stream) == nil)
        stream.writeBytes([0xAA, 0, 0, 0, 1, 102])
        #expect(try SFTPFrameDecoder.nextFrame(from: &stream) == ByteBuffer(bytes: [101, 0xAA]))
        #expect(try SFTPFrameDecoder.nextFrame(from: &stream) == ByteBuffer(bytes: [102]))
        #expect(try SFTPFrameDecoder.nextFrame(from: &stream) == nil)

        var huge = ByteBuffer(bytes: [0x7F, 0, 0, 0])
        #expect(throws: SFTPDecodingError.self) { try SFTPFrameDecoder.nextFrame(from: &huge) }
    }
}
