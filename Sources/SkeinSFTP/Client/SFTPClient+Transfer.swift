import NIOCore

/// Whole-file transfers, pipelined: up to ``SFTPClient/requestsInFlight`` requests of
/// ``SFTPClient/chunkSize`` bytes are outstanding at once, so throughput is not bounded by
/// one round trip per 32 KiB.
extension SFTPClient {
    /// Downloads the whole file at `path`.
    ///
    /// - Throws: ``SFTPError`` `.noSuchFile` (message names the path), `.permissionDenied`,
    ///   `.timeout`, `.connectionClosed`, ...
    public func read(_ path: String) async throws -> [UInt8] {
        let operation = Operation("read", path)
        let handle = try await openHandle(.open(path: path, flags: .read, attributes: .empty), operation)
        do {
            let bytes = try await readAll(handle, operation)
            await closeQuietly(handle, path: path)
            logger.debug("downloaded", metadata: ["sftp.path": "\(path)", "sftp.bytes": "\(bytes.count)"])
            return bytes
        } catch {
            await closeQuietly(handle, path: path)
            throw error
        }
    }

    /// Uploads `bytes` to `path`, creating the file or truncating an existing one.
    ///
    /// - Throws: ``SFTPError`` `.noSuchFile` (parent directory missing), `.permissionDenied`, ...
    public func write(_ path: String, _ bytes: [UInt8]) async throws {
        let operation = Operation("write", path)
        let handle = try await openHandle(
            .open(path: path, flags: [.write, .create, .truncate], attributes: .empty), operation)
        do {
            try await writeAll(bytes, to: handle, operation)
        } catch {
            await closeQuietly(handle, path: path)
            throw error
        }
        // Closing a written file can report a late write error, so it is not "quiet" here.
        try await expectOK(.close(handle), operation)
        logger.debug("uploaded", metadata: ["sftp.path": "\(path)", "sftp.bytes": "\(bytes.count)"])
    }

    private struct PendingRead {
        var offset: UInt64
        var length: UInt32
        var response: EventLoopFuture<SFTPResponse>
    }

    private func readAll(_ handle: SFTPHandle, _ operation: Operation) async throws -> [UInt8] {
        var output: [UInt8] = []
        if case .attributes(_, let attributes) = try? await roundTrip(.fstat(handle), operation),
            let size = attributes.size, size < UInt64(Int.max)
        {
            output.reserveCapacity(Int(size))
        }

        let chunk = UInt32(Self.chunkSize)
        var nextOffset: UInt64 = 0
        var reachedEndOfFile = false
        // In offset order: the head is always the next bytes to append.
        var inFlight: [PendingRead] = []
        func requestRead(at offset: UInt64, length: UInt32) -> PendingRead {
            PendingRead(offset: offset, length: length, response: send(.read(handle, offset: offset, length: length)))
        }
        func topUp() {
            while !reachedEndOfFile && inFlight.count < Self.requestsInFlight {
                inFlight.append(requestRead(at: nextOffset, length: chunk))
                nextOffset += UInt64(chunk)
            }
        }

        topUp()
        while !inFlight.isEmpty {
            let head = inFlight.removeFirst()
            let reply = try await response(to: head.response, operation)
            if reachedEndOfFile { continue }  // draining requests past the end
            switch reply {
            case .data(_, let data):
                let received = data.readableBytes
                guard received > 0, received <= Int(head.length), UInt64(output.count) == head.offset else {
                    throw SFTPError(
                        .protocolError,
                        failureMessage(operation, "the server returned \(received) bytes for a \(head.length)-byte read"))
                }
                output.append(contentsOf: data.readableBytesView)
                if received < Int(head.length) {
                    // Short read: ask for the rest before anything later, keeping order.
                    let rest = requestRead(at: head.offset + UInt64(received), length: head.length - UInt32(received))
                    inFlight.insert(rest, at: 0)
                }
                topUp()
            case .status(_, let status) where status.code == .endOfFile:
                reachedEndOfFile = true
            case .status(_, let status):
                throw statusError(status, operation)
            case let other:
                throw unexpected(other, operation)
            }
        }
        return output
    }

    private func writeAll(_ bytes: [UInt8], to handle: SFTPHandle, _ operation: Operation) async throws {
        let allocator = sftp.allocator
        var nextOffset = 0
        var inFlight: [EventLoopFuture<SFTPResponse>] = []
        repeat {
            while nextOffset < bytes.count && inFlight.count < Self.requestsInFlight {
                let end = min(nextOffset + Self.chunkSize, bytes.count)
                let data = allocator.buffer(bytes: bytes[nextOffset..<end])
                inFlight.append(send(.write(handle, offset: UInt64(nextOffset), data: data)))
                nextOffset = end
            }
            guard !inFlight.isEmpty else { break }  // empty file: nothing to write
            let reply = try await response(to: inFlight.removeFirst(), operation)
            try checkOK(reply, operation)
        } while nextOffset < bytes.count || !inFlight.isEmpty
    }
}
