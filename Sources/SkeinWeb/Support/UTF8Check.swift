/// Where bytes stop being UTF-8. JSON must be UTF-8 (RFC 8259 §8.1), and a body the server
/// decoded with replacement characters would silently differ from what was sent, so JSON
/// bodies with invalid bytes are refused (400 `invalid_body`) with the offset of the first one.
enum UTF8Check {
    /// The byte offset of the first byte that is not part of valid UTF-8, or nil when all are.
    static func firstInvalidOffset(_ bytes: some Sequence<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// 400 `invalid_body` naming the offset, when `bytes` are not UTF-8.
    static func require(_ bytes: some Sequence<UInt8>, what: String = "the body") throws(APIError) {
        if let offset = firstInvalidOffset(bytes) {
            throw APIError(.invalidBody, "\(what) is not valid UTF-8: byte \(offset) (counting from 0) starts no character; send UTF-8 text")
        }
    }
}
