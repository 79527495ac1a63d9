import NIOCore

/// Sending requests and turning the answers into results or ``SFTPError``s.
extension SFTPClient {
    /// Sends `request` without waiting; the future completes with the server's response
    /// or an ``SFTPChannelError``.
    func send(_ request: SFTPRequest) -> EventLoopFuture<SFTPResponse> {
        let response = sftp.eventLoop.makePromise(of: SFTPResponse.self)
        sftp.writeAndFlush(SFTPChannelCommand.request(request, response)).whenFailure { error in
            response.fail(error)
        }
        return response.futureResult
    }

    /// Waits for a response, translating transport failures into ``SFTPError``.
    func response(
        to future: EventLoopFuture<SFTPResponse>, _ operation: Operation
    ) async throws -> SFTPResponse {
        do {
            return try await future.get()
        } catch {
            throw transportError(error, operation)
        }
    }

    /// Sends `request` and waits for its response.
    func roundTrip(_ request: SFTPRequest, _ operation: Operation) async throws -> SFTPResponse {
        try await response(to: send(request), operation)
    }

    /// Sends a request whose only success answer is `STATUS OK`.
    func expectOK(_ request: SFTPRequest, _ operation: Operation) async throws {
        try checkOK(try await roundTrip(request, operation), operation)
    }

    func checkOK(_ response: SFTPResponse, _ operation: Operation) throws {
        guard case .status(_, let status) = response else {
            throw unexpected(response, operation)
        }
        guard status.code == .ok else { throw statusError(status, operation) }
    }

    /// Opens `path` and returns the handle.
    func openHandle(_ request: SFTPRequest, _ operation: Operation) async throws -> SFTPHandle {
        switch try await roundTrip(request, operation) {
        case .handle(_, let handle): return handle
        case .status(_, let status): throw statusError(status, operation)
        case let other: throw unexpected(other, operation)
        }
    }

    /// Closes a handle, reporting failures only through the returned error (used on error
    /// paths, where the original error matters more).
    func closeQuietly(_ handle: SFTPHandle, path: String) async {
        do {
            try await expectOK(.close(handle), Operation("close", path))
        } catch {
            logger.debug("closing handle failed", metadata: ["sftp.path": "\(path)", "error": "\(error)"])
        }
    }

    /// What the client was doing, for error messages: "could not <verb> '<path>' on <host:port>".
    struct Operation: Sendable {
        var verb: String
        var path: String

        init(_ verb: String, _ path: String) {
            self.verb = verb
            self.path = path
        }
    }

    func failureMessage(_ operation: Operation, _ reason: String) -> String {
        "could not \(operation.verb) '\(operation.path)' on \(endpoint): \(reason)"
    }

    func statusError(_ status: SFTPStatus, _ operation: Operation) -> SFTPError {
        let (code, reason): (SFTPError.Code, String) =
            switch status.code {
            case .noSuchFile: (.noSuchFile, "no such file or directory")
            case .permissionDenied: (.permissionDenied, "permission denied")
            case .operationUnsupported: (.unsupportedOperation, "the server does not support this operation")
            case .noConnection, .connectionLost: (.connectionClosed, "the server lost its connection")
            case .badMessage: (.protocolError, "the server rejected the request as malformed")
            case .endOfFile: (.protocolError, "unexpected end of file")
            case .ok, .failure, .other: (.operationFailed, "the server reported a failure")
            }
        let serverText = status.message.trimmedWhitespace
        let detail = serverText.isEmpty ? "" : " (server said: \"\(serverText)\")"
        return SFTPError(code, failureMessage(operation, reason + detail))
    }

    func unexpected(_ response: SFTPResponse, _ operation: Operation) -> SFTPError {
        SFTPError(.protocolError, failureMessage(operation, "unexpected reply \(response.kindName) from the server"))
    }

    func transportError(_ error: Error, _ operation: Operation) -> SFTPError {
        switch error {
        case let error as SFTPError:
            return error
        case SFTPChannelError.requestTimedOut(let seconds):
            return SFTPError(.timeout, failureMessage(operation, "no reply within \(seconds) s"))
        case SFTPChannelError.protocolViolation(let reason):
            return SFTPError(.protocolError, failureMessage(operation, "protocol error: \(reason)"))
        case SFTPChannelError.channelClosed, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed,
            ChannelError.eof:
            return SFTPError(.connectionClosed, failureMessage(operation, "the connection is closed"))
        default:
            return SFTPError(.connectionClosed, failureMessage(operation, "\(error)"))
        }
    }
}

extension SFTPResponse {
    /// The packet name, for error messages.
    var kindName: String {
        switch self {
        case .version: "VERSION"
        case .status: "STATUS"
        case .handle: "HANDLE"
        case .data: "DATA"
        case .name: "NAME"
        case .attributes: "ATTRS"
        case .extendedReply: "EXTENDED_REPLY"
        }
    }
}
