import Foundation
import SkeinTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A server on 127.0.0.1 (port 0) that plays a script to one client: it sends `replies[0]` at
/// once, then for each further reply reads one line from the client and sends it; after the last
/// reply it reads one more line and hangs up. Each reply is sent in a single write, "\r\n" added.
/// For the client's handling of servers that misbehave; real mail goes to aiosmtpd (tests/e2e).
final class ScriptedSMTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var lines: [String] = []

    /// The lines the client sent, in order.
    var received: [String] { lock.withLock { lines } }

    init(_ replies: [String]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandRunner.Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw CommandRunner.Failure(description: "could not listen on 127.0.0.1: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in play(replies) }.start()
    }

    deinit { close(listener) }

    private func play(_ replies: [String]) {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var pending: [UInt8] = []
        for (index, reply) in replies.enumerated() {
            if index > 0 { guard readLine(connection, &pending) else { return } }
            let bytes = Array((reply + "\r\n").utf8)
            guard bytes.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return }
        }
        _ = readLine(connection, &pending)
    }

    /// Reads up to the next "\n" and records the line; false when the client closed.
    private func readLine(_ connection: Int32, _ pending: inout [UInt8]) -> Bool {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self).trimmingCharacters(in: .newlines)
                pending.removeSubrange(...newline)
                lock.withLock { lines.append(line) }
                return true
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            pending += chunk[0..<count]
        }
    }
}
