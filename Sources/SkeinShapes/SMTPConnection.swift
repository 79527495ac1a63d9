import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP connection on SwiftNIO: reads replies line by line, writes commands, and switches
/// to TLS in place for STARTTLS. Used only inside ``run(host:port:peer:timeout:implicitTLS:_:)``,
/// which closes it whatever happens.
///
/// Every read and write has the client's timeout: when it passes, the connection is closed and
/// the step fails saying what the server did not answer. Replies are bounded (a line of at most
/// 16 KiB, a reply of at most 1,000 lines), so a hostile server cannot make us hold unbounded memory.
final class SMTPConnection {
    typealias Failure = SMTPClient.Failure

    /// TLS with verification for one server: a client context and the name to check.
    struct TLS: Sendable {
        let context: NIOSSLContext
        /// The host name sent in SNI and checked against the certificate; nil for an IP address,
        /// which is then checked against the certificate's IP address names.
        let serverName: String?

        init(serverName host: String, trustedCertificates path: String?) throws {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateVerification = .fullVerification
            if let path { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path)) }
            context = try NIOSSLContext(configuration: configuration)
            serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        }
    }

    static let maximumLineBytes = 16 * 1024
    static let maximumReplyLines = 1000

    let peer: String
    private let channel: any Channel
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let timeout: Duration
    private var buffer = ByteBuffer()
    /// True once TLS protects the connection (from the start, or after STARTTLS).
    private(set) var isEncrypted: Bool

    private init(
        peer: String, channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, timeout: Duration, isEncrypted: Bool
    ) {
        self.peer = peer
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.timeout = timeout
        self.isEncrypted = isEncrypted
    }

    /// Connects to `host:port` (TLS from the first byte when `implicitTLS` is given), runs `body`
    /// on the connection, and closes it.
    static func run(
        host: String, port: Int, peer: String, timeout: Duration, implicitTLS: TLS?,
        _ body: (SMTPConnection) async throws(Failure) -> Void
    ) async throws(Failure) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout.timeAmount)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            let handler = try NIOSSLClientHandler(context: implicitTLS.context, serverHostname: implicitTLS.serverName)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot connect to the SMTP server \(peer): \(reason(error, timeout: timeout))", isTransient: true)
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                let connection = SMTPConnection(
                    peer: peer, channel: channel.channel, inbound: inbound, outbound: outbound,
                    timeout: timeout, isEncrypted: implicitTLS != nil)
                try await body(connection)
            }
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "the connection to the SMTP server \(peer) failed: \(reason(error, timeout: timeout))", isTransient: true)
        }
    }

    func write(_ text: String) async throws(Failure) {
        do {
            try await withDeadline("while we wrote to it") { try await self.outbound.write(ByteBuffer(string: text)) }
        } catch {
            // A write can fail only because the connection closed ("I/O on closed channel"); why it
            // closed (a certificate the TLS handshake refused) is waiting in what was read.
            throw await closingCause() ?? error
        }
    }

    /// The TLS failure that closed the connection, if that is why it closed.
    private func closingCause() async -> Failure? {
        do {
            try await closingOnTimeout { while try await self.inbound.next() != nil {} }
        } catch {
            return Self.tlsFailure(error, peer: peer)
        }
        return nil
    }

    /// A whole (possibly multi-line) reply: its code and the text of each line.
    func reply() async throws(Failure) -> (Int, [String]) {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                throw Failure(description: "the SMTP server \(peer) answered something that is not SMTP: \(line.prefix(200))", isTransient: false)
            }
            lines.append(String(line.dropFirst(4)))
            if line.utf8.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { return (code, lines) }
            guard lines.count < Self.maximumReplyLines else {
                throw Failure(description: "the SMTP server \(peer) sent a reply of more than \(Self.maximumReplyLines) lines", isTransient: false)
            }
        }
    }

    func expect(_ expected: Int, during step: String, alsoAccept: [Int] = []) async throws(Failure) {
        let (code, lines) = try await reply()
        guard code == expected || alsoAccept.contains(code) else {
            throw Failure(
                description: "the SMTP server \(peer) refused \(step): \(code) \(lines.joined(separator: " ").prefix(500))",
                isTransient: (400..<500).contains(code))
        }
    }

    func command(_ line: String, expect expected: Int, during step: String, alsoAccept: [Int] = []) async throws(Failure) {
        try await write(line + "\r\n")
        try await expect(expected, during: step, alsoAccept: alsoAccept)
    }

    /// Puts TLS under the conversation, after the server's 220 to STARTTLS. Anything the server
    /// sent after that 220 in plain text would be read as if it came over TLS (CVE-2011-0411
    /// "STARTTLS command injection"), so it is refused instead.
    func startTLS(_ tls: TLS?) async throws(Failure) {
        guard let tls else { return }
        guard buffer.readableBytes == 0 else {
            throw Failure(
                description: "the SMTP server \(peer) sent more text after agreeing to STARTTLS; not starting TLS on it",
                isTransient: false)
        }
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw Failure(description: "cannot start TLS with the SMTP server \(peer): \(error)", isTransient: false)
        }
        isEncrypted = true
    }

    func close() async {
        try? await channel.close()
    }

    private func readLine() async throws(Failure) -> String {
        while true {
            if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - buffer.readerIndex
                let line = buffer.readString(length: length) ?? ""
                buffer.moveReaderIndex(forwardBy: 1)
                buffer.discardReadBytes()
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard buffer.readableBytes <= Self.maximumLineBytes else {
                throw Failure(description: "the SMTP server \(peer) sent a line longer than \(Self.maximumLineBytes) bytes", isTransient: false)
            }
            let chunk = try await withDeadline("in time") { try await self.inbound.next() }
            guard var chunk else {
                throw Failure(description: "the SMTP server \(peer) closed the connection", isTransient: true)
            }
            buffer.writeBuffer(&chunk)
        }
    }

    /// Runs `body`, closing the connection if it takes longer than the timeout; says what went wrong.
    private func withDeadline<T>(_ what: String, _ body: () async throws -> T) async throws(Failure) -> T {
        do {
            return try await closingOnTimeout(body)
        } catch is TimedOut {
            throw Failure(description: "the SMTP server \(peer) did not answer \(what) (timeout \(timeout))", isTransient: true)
        } catch {
            if let failure = Self.tlsFailure(error, peer: peer) { throw failure }
            throw Failure(description: "the connection to the SMTP server \(peer) failed: \(Self.reason(error, timeout: timeout))", isTransient: true)
        }
    }

    private struct TimedOut: Error {}

    /// Runs `body`, closing the connection if it takes longer than the timeout (then throws `TimedOut`).
    private func closingOnTimeout<T>(_ body: () async throws -> T) async throws -> T {
        let timedOut = NIOLockedValueBox(false)
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: timeout.timeAmount) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await body()
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw TimedOut() }
            throw error
        }
    }

    /// A certificate that is not trusted or does not name the server, or a failed TLS handshake:
    /// a configuration problem that trying again will not solve.
    static func tlsFailure(_ error: any Error, peer: String) -> Failure? {
        let text: String
        switch error {
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            text = "its certificate does not name the host in the instance address; address the server by a name its certificate has"
        case NIOSSLError.handshakeFailed(let error):
            let reasons = boringSSLReasons(error)
            text =
                reasons.contains("CERTIFICATE_VERIFY_FAILED")
                ? """
                its certificate was not accepted (CERTIFICATE_VERIFY_FAILED: it does not lead to a trusted CA, or it has expired); \
                a certificate from a private CA is trusted with the instance setting ca_file=/path/to/ca.pem
                """
                : "the TLS handshake failed (\(reasons.joined(separator: ", ")))"
        case let error as NIOSSLError:
            text = "\(error)"
        case let error as BoringSSLError:
            text = "the TLS handshake failed (\(boringSSLReasons(error).joined(separator: ", ")))"
        default:
            return nil
        }
        return Failure(description: "TLS with the SMTP server \(peer) failed: \(text)", isTransient: false)
    }

    /// BoringSSL's reason names ("CERTIFICATE_VERIFY_FAILED") from its error stack, whose entries
    /// read "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at <file>:<line>".
    static func boringSSLReasons(_ error: BoringSSLError) -> [String] {
        guard case .sslError(let stack) = error else { return ["\(error)"] }
        return stack.compactMap { entry in
            let text = "\(entry)"
            let beforeFile = text.components(separatedBy: " at ").first ?? text
            return beforeFile.split(separator: ":").last.map(String.init)
        }
    }

    /// Why a connection failed, in words.
    static func reason(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? NIOConnectionError {
            if let failure = error.connectionErrors.first { return reason(failure.error, timeout: timeout) }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve the host name (\(dns))" }
            return "\(error)"
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "no connection within \(timeout)" }
        return "\(error)"
    }
}

extension Duration {
    /// The same length as a NIO `TimeAmount`.
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
