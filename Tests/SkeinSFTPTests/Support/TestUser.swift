import Foundation
import SkeinTestSupport

/// The local account the tests log in as. sshd authenticates real users, so password
/// tests need one; it is created on first use (the tests run as root in CI) and gets a
/// fresh random password each test run.
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
            let password = "Skein-" + UUID().uuidString
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
}
