import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test server itself: connections that arrive while it stops must not take the test process
/// down. Stopping it by cancelling its task did ("Deinited NIOAsyncWriter without calling
/// finish()", seen in the full suite on a loaded machine, and within 50 stops with this test).
@Suite struct TestServerShutdownTests {
    @Test func stopsCleanlyWhileConnectionsArrive() async throws {
        for _ in 0..<50 {
            try await TestServer.with { base, _ in
                let port = Int(base.split(separator: ":").last!)!
                Thread { openAndClose(port: port, count: 50) }.start()  // still connecting when the server stops
                try await Task.sleep(for: .microseconds(Int.random(in: 0...2000)))
            }
        }
    }
}

/// Opens and at once closes `count` TCP connections to 127.0.0.1:`port` (a refused one is fine).
private func openAndClose(port: Int, count: Int) {
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
    }
}
