import Hummingbird
import NIOCore

/// Who a request comes from, as a key for sign-in throttling: an IPv4 address, or the /64
/// prefix of an IPv6 one (one subscriber usually holds a whole /64, so counting single IPv6
/// addresses would give an attacker 2^64 fresh counters). IPv4-mapped IPv6 addresses count as IPv4.
enum ClientAddress {
    /// The key for a request: the connection's peer, or with `trustForwardedFor` the last
    /// `X-Forwarded-For` entry (the one the nearest proxy appended); nil when unknown.
    static func key(peer: SocketAddress?, forwardedFor: String?, trustForwardedFor: Bool) -> String? {
        if trustForwardedFor, let forwardedFor,
            let last = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            if let address = try? SocketAddress(ipAddress: last, port: 0) { return key(address) }
            return "forwarded:" + String(last.prefix(64))
        }
        return peer.flatMap(key)
    }

    static func key(_ address: SocketAddress) -> String? {
        switch address {
        case .v4: return address.ipAddress
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return bytes[12...].map(String.init).joined(separator: ".")
            }
            let prefix = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return prefix.joined(separator: ":") + "::/64"
        case .unixDomainSocket: return "unix"
        }
    }
}
