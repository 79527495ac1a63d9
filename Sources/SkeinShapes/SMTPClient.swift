import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small SMTP client (RFC 5321) over a plain TCP socket: EHLO (HELO as fallback), AUTH PLAIN
/// or LOGIN when credentials are given and the server offers them, MAIL FROM, RCPT TO, DATA.
/// STARTTLS is not spoken: send through a relay on the same host or network.
///
/// Blocking socket calls run on a thread of their own; every read and write has `timeout`.
struct SMTPClient: Sendable {
    var host: String
    var port: Int
    var username: String?
    var password: String?
    /// `plain`, `login`, or nil to pick what the server offers.
    var authMethod: String?
    var timeout: Duration
    /// The name we greet the server with.
    var heloName = "skein.localhost"

    struct Message: Sendable {
        var from: String
        var to: [String]
        var subject: String
        var body: String
    }

    /// Why a message could not be sent, with the server's answer when it gave one.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// A 4xx answer or a connection problem: trying again later may work.
        var isTransient: Bool
    }

    func send(_ message: Message) async throws(Failure) {
        let result: Result<Void, Failure> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(Failure) {
                    try self.sendBlocking(message)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    private func sendBlocking(_ message: Message) throws(Failure) {
        let connection = try Connection(host: host, port: port, timeout: timeout)
        defer { connection.close() }
        try connection.expect(220, during: "the greeting")
        let extensions = try ehlo(connection)
        if let username, let password {
            let offered = extensions.first { $0.hasPrefix("AUTH") }?.split(separator: " ").dropFirst().map { $0.uppercased() } ?? []
            let method = authMethod?.uppercased() ?? (offered.contains("PLAIN") || offered.isEmpty ? "PLAIN" : "LOGIN")
            if method == "PLAIN" {
                let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try connection.command("AUTH PLAIN \(token)", expect: 235, during: "AUTH PLAIN", shown: "AUTH PLAIN [redacted]")
            } else {
                try connection.command("AUTH LOGIN", expect: 334, during: "AUTH LOGIN")
                try connection.command(Data(username.utf8).base64EncodedString(), expect: 334, during: "AUTH LOGIN (username)", shown: "[redacted]")
                try connection.command(Data(password.utf8).base64EncodedString(), expect: 235, during: "AUTH LOGIN (password)", shown: "[redacted]")
            }
        }
        try connection.command("MAIL FROM:<\(SMTPClient.address(message.from))>", expect: 250, during: "MAIL FROM")
        for recipient in message.to {
            try connection.command("RCPT TO:<\(SMTPClient.address(recipient))>", expect: 250, during: "RCPT TO \(recipient)", alsoAccept: [251])
        }
        try connection.command("DATA", expect: 354, during: "DATA")
        try connection.write(SMTPClient.content(message, heloName: heloName) + "\r\n.\r\n")
        try connection.expect(250, during: "the end of DATA")
        try? connection.write("QUIT\r\n")
    }

    private func ehlo(_ connection: Connection) throws(Failure) -> [String] {
        try connection.write("EHLO \(heloName)\r\n")
        let (code, lines) = try connection.reply()
        if code == 250 { return Array(lines.dropFirst()).map { $0.uppercased() } }
        try connection.command("HELO \(heloName)", expect: 250, during: "HELO")
        return []
    }

    /// Keeps only what belongs between `<` and `>`: no CR/LF or angle brackets from a payload.
    static func address(_ text: String) -> String {
        var address = text
        if let open = address.lastIndex(of: "<"), let close = address.lastIndex(of: ">"), open < close {
            address = String(address[address.index(after: open)..<close])
        }
        // By scalar: in a Swift string "\r\n" is one Character, equal to neither "\r" nor "\n".
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: address.unicodeScalars.filter { !"\r\n<>".unicodeScalars.contains($0) })
        return String(kept).trimmingCharacters(in: .whitespaces)
    }

    /// Headers and body, dot-stuffed, CRLF line ends; non-ASCII subjects are RFC 2047 encoded,
    /// non-ASCII bodies base64.
    static func content(_ message: Message, heloName: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let oneLine = { (text: String) in text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let subject = oneLine(message.subject)
        let encodedSubject = subject.allSatisfy(\.isASCII) ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        var headers = [
            "From: \(oneLine(message.from))", "To: \(message.to.map(oneLine).joined(separator: ", "))", "Subject: \(encodedSubject)",
            "Date: \(formatter.string(from: Date()))", "Message-ID: <\(UUID().uuidString)@\(heloName)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let lines = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let body: String
        if message.body.allSatisfy(\.isASCII) {
            headers.append("Content-Transfer-Encoding: 7bit")
            body = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        } else {
            headers.append("Content-Transfer-Encoding: base64")
            body = Data(message.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// One blocking TCP connection that reads SMTP replies.
    final class Connection {
        let fd: Int32
        let peer: String
        private var buffer: [UInt8] = []

        init(host: String, port: Int, timeout: Duration) throws(Failure) {
            peer = "\(host):\(port)"
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let resolved = getaddrinfo(host, String(port), &hints, &list)
            guard resolved == 0, let first = list else {
                throw Failure(description: "cannot resolve the SMTP server \(host): \(String(cString: gai_strerror(resolved)))", isTransient: true)
            }
            defer { freeaddrinfo(list) }
            var lastError: Int32 = 0
            var candidate: UnsafeMutablePointer<addrinfo>? = first
            var connected: Int32 = -1
            var time = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            while let info = candidate {
                let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
                if socketFD >= 0 {
                    setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                    if Glibc.connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { connected = socketFD; break }
                    lastError = errno
                    Glibc.close(socketFD)
                }
                candidate = info.pointee.ai_next
            }
            guard connected >= 0 else {
                throw Failure(description: "cannot connect to the SMTP server \(peer): \(String(cString: strerror(lastError)))", isTransient: true)
            }
            fd = connected
        }

        func close() { Glibc.close(fd) }

        func write(_ text: String) throws(Failure) {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "the SMTP server \(peer) closed the connection or timed out while we wrote: \(String(cString: strerror(errno)))", isTransient: true)
                }
                offset += written
            }
        }

        func readLine() throws(Failure) -> String {
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self).trimmingCharacters(in: .newlines)
                    buffer.removeSubrange(...newline)
                    return line
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    let reason = count == 0 ? "closed the connection" : "did not answer in time (\(String(cString: strerror(errno))))"
                    throw Failure(description: "the SMTP server \(peer) \(reason)", isTransient: true)
                }
                buffer += chunk[0..<count]
            }
        }

        /// A whole (possibly multi-line) reply: its code and the text of each line.
        func reply() throws(Failure) -> (Int, [String]) {
            var lines: [String] = []
            while true {
                let line = try readLine()
                guard line.count >= 3, let code = Int(line.prefix(3)) else {
                    throw Failure(description: "the SMTP server \(peer) answered something that is not SMTP: \(line.prefix(200))", isTransient: false)
                }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { return (code, lines) }
            }
        }

        func expect(_ expected: Int, during step: String, alsoAccept: [Int] = []) throws(Failure) {
            let (code, lines) = try reply()
            guard code == expected || alsoAccept.contains(code) else {
                throw Failure(description: "the SMTP server \(peer) refused \(step): \(code) \(lines.joined(separator: " ").prefix(500))",
                              isTransient: (400..<500).contains(code))
            }
        }

        func command(_ line: String, expect expected: Int, during step: String, shown: String? = nil, alsoAccept: [Int] = []) throws(Failure) {
            try write(line + "\r\n")
            try expect(expected, during: step, alsoAccept: alsoAccept)
        }
    }
}
