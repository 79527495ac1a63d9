import NIOCore
import NIOPosix
import NIOSSH

/// Turns whatever went wrong while connecting into an ``SFTPError`` that names the server.
struct ConnectErrorTranslator {
    var configuration: SFTPConfiguration

    func translate(_ error: Error) -> SFTPError {
        let endpoint = configuration.endpointDescription
        switch error {
        case let error as SFTPError:
            return error
        case let rejected as HostKeyRejected:
            return SFTPError(
                .hostKeyMismatch,
                "the host key of \(endpoint) does not match the configured one: the server presented "
                    + "\(rejected.actualFingerprint), expected \(rejected.expectedFingerprint). Someone may be "
                    + "impersonating the server; if its key was changed on purpose, update the configured host key")
        case let rejected as AuthenticationRejected:
            return SFTPError(
                .authenticationFailed,
                "authentication as '\(configuration.username)' at \(endpoint) failed: \(rejected.reason)")
        case let connectionError as NIOConnectionError:
            let reasons = connectionError.connectionErrors.map { "\($0.error)" }
            let dns = [connectionError.dnsAError, connectionError.dnsAAAAError].compactMap { $0.map { "\($0)" } }
            let reason = (reasons + dns).first ?? "no address could be reached"
            return SFTPError(.connectionFailed, "could not connect to \(endpoint): \(reason)")
        case ChannelError.connectTimeout:
            return SFTPError(
                .timeout, "could not connect to \(endpoint): TCP connect timed out after \(configuration.connectTimeout)")
        case let ioError as IOError:
            return SFTPError(.connectionFailed, "could not connect to \(endpoint): \(ioError)")
        case ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed,
            SFTPChannelError.channelClosed:
            return SFTPError(
                .connectionClosed,
                "\(endpoint) closed the connection during SSH/SFTP set-up (check that it is an SSH server "
                    + "and that the account may use SFTP)")
        case SFTPChannelError.subsystemRejected:
            return SFTPError(.unsupportedOperation, "\(endpoint) refused to start the 'sftp' subsystem for '\(configuration.username)'")
        case let sshError as NIOSSHError:
            return SFTPError(.protocolError, "the SSH handshake with \(endpoint) failed: \(sshError)")
        default:
            return SFTPError(.protocolError, "connecting to \(endpoint) failed: \(error)")
        }
    }
}
