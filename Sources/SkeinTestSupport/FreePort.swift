#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ports for test servers that cannot bind port 0 and report what they got (sshd, postgres).
///
/// A port the kernel called free a moment ago is only a guess: on a busy machine another
/// server, or any outgoing connection (they take their local ports from the same range), can
/// take it before the server binds. So such a server is started with ``retrying(attempts:_:)``,
/// which tries again with another port when the start fails with ``AddressInUse``. Servers
/// that can bind port 0 themselves (Hummingbird, Python's http.server, aiosmtpd) must do that.
public enum FreePort {
    /// Thrown by a server's start when its port was taken (its log said "Address already in use").
    public struct AddressInUse: Error, CustomStringConvertible {
        public var port: Int
        public var description: String { "port \(port) on 127.0.0.1 was already in use" }
        public init(port: Int) { self.port = port }
    }

    /// Calls `start` with a port that was free a moment ago, and again with another one each
    /// time it throws ``AddressInUse``; other errors end the attempts at once.
    public static func retrying<Server>(attempts: Int = 20, _ start: (Int) throws -> Server) throws -> Server {
        var taken: [Int] = []
        for _ in 0..<attempts {
            do {
                return try start(try candidate())
            } catch let error as AddressInUse {
                taken.append(error.port)
            }
        }
        throw CommandRunner.Failure(description: "no free port after \(attempts) attempts; ports already in use: \(taken)")
    }

    /// A port the kernel had free on 127.0.0.1 when asked: a guess, for ``retrying(attempts:_:)``.
    static func candidate() throws -> Int {
        let socket = try BoundSocket(reuseAddress: false)
        defer { socket.close() }
        return socket.port
    }
}

/// A TCP port on 127.0.0.1 that is bound but never listens, held until this object goes away:
/// a connection to it is refused at once (the kernel answers with a reset), and no other
/// server or outgoing connection can take the port meanwhile. For "nothing is listening
/// there" tests — a port merely found free could be taken by someone else's server by the
/// time the test connects.
public final class ClosedPort: Sendable {
    public let port: Int
    private let socket: BoundSocket

    public init() throws {
        socket = try BoundSocket(reuseAddress: false)
        port = socket.port
    }

    deinit { socket.close() }
}

/// A socket bound to 127.0.0.1 (port 0: the kernel picks) or to a given port, not listening.
struct BoundSocket: Sendable {
    let fd: Int32
    let port: Int

    /// With `reuseAddress`, a server that also sets SO_REUSEADDR (postgres, sshd) can still bind
    /// and listen on the port while this socket holds it against everyone else.
    init(port: Int = 0, reuseAddress: Bool) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CommandRunner.Failure(description: "socket() failed: errno \(errno)") }
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let reason = errno
            Glibc.close(fd)
            if reason == EADDRINUSE { throw FreePort.AddressInUse(port: port) }
            throw CommandRunner.Failure(description: "bind() to 127.0.0.1:\(port) failed: errno \(reason)")
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
