import NIOCore

/// Reading and writing the primitive types of the SSH/SFTP wire format (RFC 4251 §5):
/// big-endian integers and length-prefixed byte strings.
///
/// These helpers never trap on malformed input: readers return `nil` when the buffer
/// does not hold a complete value, and the packet decoder turns that into an error.
extension ByteBuffer {
    /// Writes an SSH `string`: a `uint32` length followed by that many bytes.
    @discardableResult
    mutating func writeSFTPString(_ string: String) -> Int {
        let utf8 = Array(string.utf8)
        return self.writeSFTPBytes(utf8)
    }

    /// Writes raw bytes as an SSH `string` (length-prefixed).
    @discardableResult
    mutating func writeSFTPBytes(_ bytes: some Collection<UInt8>) -> Int {
        let lengthWritten = self.writeInteger(UInt32(bytes.count))
        return lengthWritten + self.writeBytes(bytes)
    }

    /// Writes a byte buffer's readable bytes as an SSH `string` (length-prefixed).
    @discardableResult
    mutating func writeSFTPBytes(_ buffer: ByteBuffer) -> Int {
        let lengthWritten = self.writeInteger(UInt32(buffer.readableBytes))
        var copy = buffer
        return lengthWritten + self.writeBuffer(&copy)
    }

    /// Reads an SSH `string` as raw bytes, or `nil` if the buffer is too short.
    mutating func readSFTPBytes() -> [UInt8]? {
        self.readSFTPBuffer().map { Array($0.readableBytesView) }
    }

    /// Reads an SSH `string` as a slice of this buffer (no copy), or `nil` if too short.
    mutating func readSFTPBuffer() -> ByteBuffer? {
        let start = self.readerIndex
        guard let length = self.readInteger(as: UInt32.self),
            let slice = self.readSlice(length: Int(length))
        else {
            self.moveReaderIndex(to: start)
            return nil
        }
        return slice
    }

    /// Reads an SSH `string` and decodes it as UTF-8 (invalid sequences are replaced,
    /// since SFTP v3 file names are uninterpreted bytes).
    mutating func readSFTPString() -> String? {
        self.readSFTPBuffer().map { String(decoding: $0.readableBytesView, as: UTF8.self) }
    }
}
