import NIOCore
import Testing

@testable import SkeinSFTP

@Suite("Encoding SFTP requests")
struct SFTPPacketEncoderTests {
    private func encode(_ request: SFTPRequest, id: UInt32) -> [UInt8] {
        var buffer = ByteBuffer()
        SFTPPacketEncoder.encode(request, id: id, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test("INIT carries the version and no request id")
    func initialize() {
        var buffer = ByteBuffer()
        SFTPPacketEncoder.encodeInitialize(into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 5, 1, 0, 0, 0, 3])
    }

    @Test("OPEN writes path, flags and empty attributes")
    func open() {
        let bytes = encode(.open(path: "/a", flags: [.write, .create, .truncate], attributes: .empty), id: 7)
        #expect(
            bytes == [
                0, 0, 0, 19,  // length
                3,  // SSH_FXP_OPEN
                0, 0, 0, 7,  // id
                0, 0, 0, 2, 0x2f, 0x61,  // "/a"
                0, 0, 0, 0x1a,  // WRITE|CREAT|TRUNC
                0, 0, 0, 0,  // attrs: no flags
            ])
    }

    @Test("READ writes handle, 64-bit offset and length")
    func read() {
        let bytes = encode(.read(SFTPHandle(bytes: [0xAB]), offset: 0x1_0000_0002, length: 32768), id: 1)
        #expect(
            bytes == [
                0, 0, 0, 22, 5, 0, 0, 0, 1,
                0, 0, 0, 1, 0xAB,
                0, 0, 0, 1, 0, 0, 0, 2,
                0, 0, 0x80, 0,
            ])
    }

    @Test("WRITE carries the data as a length-prefixed string")
    func write() {
        let bytes = encode(.write(SFTPHandle(bytes: [1, 2]), offset: 3, data: ByteBuffer(bytes: [9, 8, 7])), id: 2)
        #expect(
            bytes == [
                0, 0, 0, 26, 6, 0, 0, 0, 2,
                0, 0, 0, 2, 1, 2,
                0, 0, 0, 0, 0, 0, 0, 3,
                0, 0, 0, 3, 9, 8, 7,
            ])
    }

    @Test("RENAME and posix-rename carry both paths")
    func rename() {
        #expect(encode(.rename(from: "a", to: "b"), id: 3) == [0, 0, 0, 15, 18, 0, 0, 0, 3, 0, 0, 0, 1, 0x61, 0, 0, 0, 1, 0x62])
        let extended = encode(.posixRename(from: "a", to: "b"), id: 4)
        #expect(extended[4] == 200)
        var payload = ByteBuffer(bytes: extended.dropFirst(9))
        #expect(payload.readSFTPString() == "posix-rename@openssh.com")
        #expect(payload.readSFTPString() == "a")
        #expect(payload.readSFTPString() == "b")
        #expect(payload.readableBytes == 0)
    }

    @Test(
        "Attributes survive an encode/decode round trip",
        arguments: [
            SFTPAttributes.empty,
            SFTPAttributes(size: 1 << 40, permissions: 0o100644, accessTime: 1, modificationTime: 1_700_000_000),
            SFTPAttributes(size: 5, userID: 1000, groupID: 100, extended: [.init(type: "x@y", data: [1, 2])]),
        ])
    func attributesRoundTrip(attributes: SFTPAttributes) {
        var buffer = ByteBuffer()
        buffer.writeSFTPAttributes(attributes)
        #expect(buffer.readSFTPAttributes() == attributes)
        #expect(buffer.readableBytes == 0)
    }
}
