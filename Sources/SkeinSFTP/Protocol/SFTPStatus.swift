/// The result a server reports in an `SSH_FXP_STATUS` packet.
struct SFTPStatus: Sendable, Hashable {
    /// The status codes defined by SFTP v3 (§7). Servers may send other values;
    /// they are kept as `.other`.
    enum Code: Sendable, Hashable {
        case ok
        case endOfFile
        case noSuchFile
        case permissionDenied
        case failure
        case badMessage
        case noConnection
        case connectionLost
        case operationUnsupported
        case other(UInt32)

        init(rawValue: UInt32) {
            switch rawValue {
            case 0: self = .ok
            case 1: self = .endOfFile
            case 2: self = .noSuchFile
            case 3: self = .permissionDenied
            case 4: self = .failure
            case 5: self = .badMessage
            case 6: self = .noConnection
            case 7: self = .connectionLost
            case 8: self = .operationUnsupported
            default: self = .other(rawValue)
            }
        }

        var rawValue: UInt32 {
            switch self {
            case .ok: 0
            case .endOfFile: 1
            case .noSuchFile: 2
            case .permissionDenied: 3
            case .failure: 4
            case .badMessage: 5
            case .noConnection: 6
            case .connectionLost: 7
            case .operationUnsupported: 8
            case .other(let value): value
            }
        }
    }

    var code: Code
    /// Human-readable text from the server (may be empty).
    var message: String
    /// Language tag of `message` (usually empty or "en").
    var languageTag: String
}
