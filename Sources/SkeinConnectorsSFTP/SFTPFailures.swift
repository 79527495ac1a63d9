import SkeinCore
import SkeinSFTP

/// Turns `SFTPError`s into `ShapeFailure`s that name the instance.
///
/// | code                                              | transient | why                                  |
/// |---------------------------------------------------|-----------|--------------------------------------|
/// | connectionFailed, connectionClosed, timeout       | yes       | the server may be back in a moment   |
/// | authenticationFailed, hostKeyMismatch, key errors | no        | configuration: retrying cannot help  |
/// | noSuchFile, permissionDenied, operationFailed, …  | no        | the path or the rights are wrong     |
///
/// `SFTPError` messages never hold secrets; they still pass through `Instance.redact` in case
/// a server echoes something back.
enum SFTPFailures {
    static func failure(_ error: any Error, instance: Instance, doing operation: String? = nil) -> ShapeFailure {
        if let failure = error as? ShapeFailure { return failure }
        let what = operation.map { " \($0) failed:" } ?? ""
        guard let error = error as? SFTPError else {
            return ShapeFailure(instance.redact("instance '\(instance.name)':\(what) \(error)"), isTransient: error is CancellationError)
        }
        var message = error.message
        switch error.code {
        case .hostKeyMismatch:
            message += " (check the instance's host_key or fingerprint setting)"
        case .authenticationFailed:
            message += " (check the instance's username and its password or private_key credential)"
        default: break
        }
        let transient = [.connectionFailed, .connectionClosed, .timeout].contains(error.code)
        return ShapeFailure(instance.redact("instance '\(instance.name)':\(what) \(message)"), isTransient: transient)
    }
}
