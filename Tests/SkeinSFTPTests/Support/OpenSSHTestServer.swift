import Foundation
import SkeinSFTP
import SkeinTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH `sshd` on 127.0.0.1 with a throwaway configuration, host key and
/// client keys, for one test. Start it with ``withOpenSSHServer(_:)``, which always stops it.
///
/// If `/usr/sbin/sshd` is missing the test fails (it is never skipped): the project's test
/// script installs `openssh-server`.
final class OpenSSHTestServer: Sendable {
    static let sshdPath = "/usr/sbin/sshd"
    static let keygenPath = "/usr/bin/ssh-keygen"

    let port: Int
    let user: TestUser
    /// Temporary directory with sshd_config, keys and the sshd log.
    let directory: String
    /// A directory the test user owns, for the files the tests create.
    let filesDirectory: String
    /// The server's host key as an OpenSSH public key line.
    let hostPublicKey: String
    /// The host key's fingerprint as printed by `ssh-keygen -lf`.
    let hostFingerprint: String
    /// Authorised client keys in OpenSSH private key format.
    let clientEd25519PrivateKey: String
    let clientECDSAPrivateKey: String
    /// Process id of sshd.
    private let pid: pid_t

    private init(
        port: Int, user: TestUser, directory: String, hostPublicKey: String, hostFingerprint: String,
        clientEd25519PrivateKey: String, clientECDSAPrivateKey: String, pid: pid_t
    ) {
        self.port = port
        self.user = user
        self.directory = directory
        self.filesDirectory = directory + "/files"
        self.hostPublicKey = hostPublicKey
        self.hostFingerprint = hostFingerprint
        self.clientEd25519PrivateKey = clientEd25519PrivateKey
        self.clientECDSAPrivateKey = clientECDSAPrivateKey
        self.pid = pid
    }

    /// A configuration for this server; password auth and a pinned host key unless overridden.
    func configuration(
        authentication: SFTPConfiguration.Authentication? = nil,
        hostKey: SFTPConfiguration.HostKeyVerification? = nil
    ) -> SFTPConfiguration {
        SFTPConfiguration(
            host: "127.0.0.1",
            port: port,
            username: user.name,
            authentication: authentication ?? .password(user.password),
            hostKey: hostKey ?? .openSSHPublicKey(hostPublicKey),
            connectTimeout: .seconds(20),
            requestTimeout: .seconds(60)
        )
    }

    /// What sshd has logged so far (useful in failure messages).
    var log: String {
        (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? "(no sshd log)"
    }

    static func start() throws -> OpenSSHTestServer {
        guard FileManager.default.isExecutableFile(atPath: sshdPath) else {
            throw CommandRunner.Failure(
                description: "OpenSSH server not found at \(sshdPath); the SFTP integration tests need a real sshd. "
                    + "Install it with `apt-get install -y openssh-server` (the project's test script does this)")
        }
        let user = try TestUser.get()
        let directory = NSTemporaryDirectory() + "skein-sftp-\(UUID().uuidString)"
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/files", withIntermediateDirectories: true)
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        try CommandRunner.run("/bin/chown", ["\(user.name):", directory + "/files"])

        try generateKey(type: "ed25519", path: directory + "/host_ed25519")
        try generateKey(type: "ed25519", path: directory + "/client_ed25519")
        try generateKey(type: "ecdsa", path: directory + "/client_ecdsa")
        let hostPublicKey = try String(contentsOfFile: directory + "/host_ed25519.pub", encoding: .utf8)
        let authorizedKeys =
            try String(contentsOfFile: directory + "/client_ed25519.pub", encoding: .utf8)
            + String(contentsOfFile: directory + "/client_ecdsa.pub", encoding: .utf8)
        try authorizedKeys.write(toFile: directory + "/authorized_keys", atomically: true, encoding: .utf8)
        try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/authorized_keys")
        // `ssh-keygen -lf` prints "256 SHA256:... comment (ED25519)".
        let fingerprint = try CommandRunner.run(keygenPath, ["-lf", directory + "/host_ed25519.pub"])
            .split(separator: " ")[1]

        // sshd cannot bind port 0 and say which port it got: try a free port, and another if it was taken meanwhile.
        do {
            return try startDaemon(user: user, directory: directory, hostPublicKey: hostPublicKey, fingerprint: String(fingerprint))
        } catch {
            try? files.removeItem(atPath: directory)
            throw error
        }
    }

    private static func startDaemon(user: TestUser, directory: String, hostPublicKey: String, fingerprint: String) throws -> OpenSSHTestServer {
        let ed25519 = try String(contentsOfFile: directory + "/client_ed25519", encoding: .utf8)
        let ecdsa = try String(contentsOfFile: directory + "/client_ecdsa", encoding: .utf8)
        return try FreePort.retrying { port in
            try writeConfiguration(port: port, user: user, directory: directory)
            let logPath = directory + "/sshd.log"
            try? FileManager.default.removeItem(atPath: logPath)
            let pid = try CommandRunner.spawn(
                sshdPath, ["-D", "-e", "-f", directory + "/sshd_config"], stdout: logPath, stderr: logPath)
            let server = OpenSSHTestServer(
                port: port, user: user, directory: directory, hostPublicKey: hostPublicKey, hostFingerprint: fingerprint,
                clientEd25519PrivateKey: ed25519, clientECDSAPrivateKey: ecdsa, pid: pid)
            do {
                try server.waitUntilListening()
            } catch let error as FreePort.AddressInUse {
                throw error  // sshd has exited; the directory is kept for the next attempt
            } catch {
                server.stopDaemon()
                throw error
            }
            return server
        }
    }

    private static func writeConfiguration(port: Int, user: TestUser, directory: String) throws {
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_ed25519
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PasswordAuthentication yes
            PubkeyAuthentication yes
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PermitRootLogin no
            AllowUsers \(user.name)
            Subsystem sftp internal-sftp
            LogLevel VERBOSE

            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
    }

    private static func generateKey(type: String, path: String) throws {
        try CommandRunner.run(keygenPath, ["-q", "-t", type, "-N", "", "-C", "skein-sftp-test", "-f", path])
    }

    private func waitUntilListening() throws {
        // A limit that only catches a hang: sshd starts in well under a second, even on a loaded machine.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if log.contains("Server listening on 127.0.0.1 port \(port)") { return }
            var exitStatus: Int32?
            guard CommandRunner.isRunning(pid, exitStatus: &exitStatus) else {
                // "Bind to port N on 127.0.0.1 failed: Address already in use." then "Cannot bind any address."
                if log.contains("Address already in use") { throw FreePort.AddressInUse(port: port) }
                throw CommandRunner.Failure(
                    description: "sshd exited with status \(exitStatus ?? -1) during start-up:\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandRunner.Failure(description: "sshd did not start listening on port \(port) within 60 s:\n\(log)")
    }

    /// Stops sshd and deletes the temporary directory.
    func stop() {
        stopDaemon()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func stopDaemon() {
        var exitStatus: Int32?
        if CommandRunner.isRunning(pid, exitStatus: &exitStatus) {
            kill(pid, SIGTERM)
            CommandRunner.waitForExit(pid)
        }
    }
}

/// Runs `body` against a freshly started sshd and stops it afterwards, also on failure.
/// On failure the sshd log is printed, since it usually says why.
func withOpenSSHServer(_ body: (OpenSSHTestServer) async throws -> Void) async throws {
    let server = try await onDedicatedThread { try OpenSSHTestServer.start() }
    defer { server.stop() }
    do {
        try await body(server)
    } catch {
        print("--- sshd log (port \(server.port)) ---\n\(server.log)")
        throw error
    }
}
