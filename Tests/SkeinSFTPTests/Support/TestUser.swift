import Foundation
import SkeinTestSupport

/// The local account the tests log in as. sshd authenticates real users, so password
/// tests need one; it is created on first use (the tests run as root in CI). Its random
/// password is kept in a root-only file and shared by every test process on the machine: two
/// test runs at once (two clones tested side by side) use the one account, and when each set a
/// password of its own, the other run's logins were refused.
struct TestUser: Sendable {
    static let name = "skein-sftp-test"

    let name: String
    let password: String

    /// Created once per test process; every test shares it.
    static let shared: Result<TestUser, any Error> = Result { try prepare() }

    static func get() throws -> TestUser { try shared.get() }

    private static func prepare() throws(CommandRunner.Failure) -> TestUser {
        guard getuid() == 0 else {
            throw CommandRunner.Failure(
                description: "the SFTP integration tests must run as root: they create the local user "
                    + "'\(name)' and set its password for sshd password authentication")
        }
        do {
            if (try? CommandRunner.run("/usr/bin/id", ["-u", name])) == nil {
                try CommandRunner.run("/usr/sbin/useradd", ["-m", "-s", "/bin/sh", name])
            }
            let password = try sharedPassword()
            // Every process sets the same password, so doing it again never breaks a login.
            try CommandRunner.run("/usr/sbin/chpasswd", [], input: "\(name):\(password)\n")
            // sshd refuses to start without its privilege separation directory.
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            return TestUser(name: name, password: password)
        } catch let failure as CommandRunner.Failure {
            throw failure
        } catch {
            throw CommandRunner.Failure(description: "preparing test user '\(name)' failed: \(error)")
        }
    }

    /// Where the password is kept (mode 0600 in a 0700 directory).
    static let passwordFile = "/var/lib/skein-sftp-test/password"

    /// The machine's test password: the one in `passwordFile`, or a new one put there. A new
    /// file is linked into place whole, so of two processes starting together one wins and the
    /// other reads the winner's.
    private static func sharedPassword() throws -> String {
        let directory = (passwordFile as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let existing = storedPassword() { return existing }
        let candidate = "Skein-" + UUID().uuidString
        let temporary = passwordFile + ".\(getpid()).\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(candidate.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandRunner.Failure(description: "cannot write \(temporary)")
        }
        defer { unlink(temporary) }
        if link(temporary, passwordFile) == 0 { return candidate }
        guard errno == EEXIST, let existing = storedPassword() else {
            throw CommandRunner.Failure(description: "cannot keep the SFTP test password in \(passwordFile): \(String(cString: strerror(errno)))")
        }
        return existing
    }

    private static func storedPassword() -> String? {
        guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8), text.hasPrefix("Skein-") else { return nil }
        return text
    }
}
