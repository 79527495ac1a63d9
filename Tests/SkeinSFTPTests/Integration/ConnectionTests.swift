import SkeinTestSupport
import Testing

@testable import SkeinSFTP

/// Connecting and authenticating against a real OpenSSH sshd.
@Suite("Connecting to OpenSSH")
struct ConnectionTests {
    @Test("Password authentication with a pinned host key line")
    func passwordAuthentication() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let home = try await client.canonicalPath(".")
                #expect(home == "/home/\(TestUser.name)")
            }
        }
    }

    @Test("ed25519 key authentication with a pinned SHA-256 fingerprint")
    func ed25519KeyAuthentication() async throws {
        try await withOpenSSHServer { server in
            let configuration = server.configuration(
                authentication: .privateKey(pemOrOpenSSHText: server.clientEd25519PrivateKey, passphrase: nil),
                hostKey: .fingerprintSHA256(server.hostFingerprint))
            try await SFTPClient.withConnection(configuration) { client in
                let path = server.filesDirectory + "/key-auth.txt"
                try await client.write(path, Array("hello from a key".utf8))
                #expect(try await client.read(path) == Array("hello from a key".utf8))
            }
        }
    }

    @Test("ECDSA P-256 key authentication (OpenSSH format)")
    func ecdsaKeyAuthentication() async throws {
        try await withOpenSSHServer { server in
            let configuration = server.configuration(
                authentication: .privateKey(pemOrOpenSSHText: server.clientECDSAPrivateKey, passphrase: nil))
            try await SFTPClient.withConnection(configuration) { client in
                let info = try await client.stat(server.filesDirectory)
                #expect(info?.isDirectory == true)
            }
        }
    }

    @Test("A wrong password is authenticationFailed and the message does not leak it")
    func wrongPassword() async throws {
        try await withOpenSSHServer { server in
            let wrongPassword = "definitely-not-the-password-\(server.port)"
            let error = await #expect(throws: SFTPError.self) {
                try await SFTPClient.connect(server.configuration(authentication: .password(wrongPassword)))
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
            #expect(error?.message.contains(TestUser.name) == true)
            #expect(error?.description.contains(wrongPassword) == false)
        }
    }

    @Test("A key the server does not know is authenticationFailed")
    func unknownKey() async throws {
        try await withOpenSSHServer { server in
            let error = await #expect(throws: SFTPError.self) {
                try await SFTPClient.connect(
                    server.configuration(
                        authentication: .privateKey(pemOrOpenSSHText: KeyParsingTests.fixtureKey, passphrase: nil)))
            }
            #expect(error?.code == .authenticationFailed)
        }
    }

    @Test("A different host key is hostKeyMismatch naming the server's real fingerprint")
    func wrongHostKey() async throws {
        try await withOpenSSHServer { server in
            let error = await #expect(throws: SFTPError.self) {
                try await SFTPClient.connect(
                    server.configuration(hostKey: .openSSHPublicKey(KeyParsingTests.fixturePublicKey)))
            }
            #expect(error?.code == .hostKeyMismatch)
            #expect(error?.message.contains(server.hostFingerprint) == true)
            #expect(error?.message.contains(KeyParsingTests.fixtureFingerprint) == true)
            #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
        }
    }

    @Test("A wrong fingerprint is hostKeyMismatch too")
    func wrongFingerprint() async throws {
        try await withOpenSSHServer { server in
            let error = await #expect(throws: SFTPError.self) {
                try await SFTPClient.connect(
                    server.configuration(hostKey: .fingerprintSHA256(KeyParsingTests.fixtureFingerprint)))
            }
            #expect(error?.code == .hostKeyMismatch)
        }
    }

    @Test("trustAny connects to any server")
    func trustAny() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration(hostKey: .trustAny)) { client in
                let root = try await client.stat("/")
                #expect(root?.isDirectory == true)
            }
        }
    }

    @Test("Nothing listening on the port is connectionFailed naming host:port")
    func unreachablePort() async throws {
        let closed = try ClosedPort()
        let port = closed.port
        let configuration = SFTPConfiguration(
            host: "127.0.0.1", port: port, username: "nobody", authentication: .password("x"), hostKey: .trustAny,
            connectTimeout: .seconds(5))
        let error = await #expect(throws: SFTPError.self) { try await SFTPClient.connect(configuration) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        withExtendedLifetime(closed) {}
    }

    /// How long the timeout took is not asserted: on a loaded 2-core machine the test's own
    /// tasks can wait seconds for a thread. The time limit catches a connect that never gives up.
    @Test("A server that never answers is a timeout after connectTimeout", .timeLimit(.minutes(1)))
    func silentServer() async throws {
        let listener = try SilentListener()
        let configuration = SFTPConfiguration(
            host: "127.0.0.1", port: listener.port, username: "nobody", authentication: .password("x"),
            hostKey: .trustAny, connectTimeout: .milliseconds(500))
        let error = await #expect(throws: SFTPError.self) { try await SFTPClient.connect(configuration) }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("127.0.0.1:\(listener.port)") == true)
        #expect(error?.message.contains("timed out after 0.5 seconds") == true)
        withExtendedLifetime(listener) {}
    }
}
