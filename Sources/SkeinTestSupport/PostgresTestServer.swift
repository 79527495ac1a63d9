import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL 15 cluster on 127.0.0.1: `initdb` into a temporary directory, `postgres`
/// started as a child process on a free port, one database created, and everything stopped and
/// deleted afterwards. Tests use it through `SharedPostgres` (one cluster per test run) and
/// `withPostgres` (one database per test).
///
/// TCP logins need a password (scram-sha-256), so a wrong password is really refused.
/// If the binaries are missing the test fails, never skips: scripts/test.sh installs
/// `postgresql-15`.
public final class PostgresTestServer: Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public static let user = "postgres"
    public static let database = "skein_test"

    public let port: Int
    public let password: String
    public let directory: String
    private let pid: pid_t
    /// The port held between `shutDown()` and `restart()`.
    private let heldPort = HeldPort()

    private init(port: Int, password: String, directory: String, pid: pid_t) {
        self.port = port
        self.password = password
        self.directory = directory
        self.pid = pid
    }

    /// A URL with the password, for `PostgresAddress(url:)`.
    public var url: String { "postgres://\(Self.user):\(password)@127.0.0.1:\(port)/\(Self.database)" }

    /// The instance address for this server's test database.
    public var address: String { "postgres://\(Self.user)@127.0.0.1:\(port)/\(Self.database)" }
    public var log: String { (try? String(contentsOfFile: directory + "/postgres.log", encoding: .utf8)) ?? "(no log)" }

    public static func start(maxConnections: Int = 100) throws -> PostgresTestServer {
        for tool in ["initdb", "postgres", "pg_ctl", "psql"] where !FileManager.default.isExecutableFile(atPath: "\(binaries)/\(tool)") {
            throw CommandRunner.Failure(
                description: "PostgreSQL 15 is not installed (\(binaries)/\(tool) is missing); the database tests "
                    + "need a real server. Install it with `apt-get install -y postgresql postgresql-15` (scripts/test.sh does this)")
        }
        guard getuid() == 0 else {
            throw CommandRunner.Failure(description: "the PostgreSQL tests run as root so they can start the server as the postgres user")
        }
        let directory = NSTemporaryDirectory() + "skein-pg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let password = "pg-" + UUID().uuidString
        try password.write(toFile: directory + "/pwfile", atomically: true, encoding: .utf8)
        try CommandRunner.run("/bin/chown", ["-R", "\(user):\(user)", directory])
        try CommandRunner.run("/bin/chmod", ["700", directory])
        try asPostgres(
            "initdb",
            [
                "-D", directory + "/data", "-U", user, "-E", "UTF8", "--locale=C.UTF-8",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + directory + "/pwfile",
            ])
        // postgres cannot bind port 0 and say which port it got: try a free port, and another if it was taken meanwhile.
        let server: PostgresTestServer
        do {
            server = try FreePort.retrying { port in
                let pid = try launch(directory: directory, port: port, maxConnections: maxConnections)
                let server = PostgresTestServer(port: port, password: password, directory: directory, pid: pid)
                do {
                    try server.waitUntilReady()
                } catch let error as FreePort.AddressInUse {
                    throw error  // postgres has exited; the cluster is kept for the next attempt
                } catch {
                    server.stop()
                    throw error
                }
                return server
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        do {
            try server.psql("CREATE DATABASE \(database)", database: "postgres")
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Starts `postgres` on the cluster in `directory` (its log emptied first, so readiness is this start's).
    private static func launch(directory: String, port: Int, maxConnections: Int) throws -> pid_t {
        let logPath = directory + "/postgres.log"
        try? FileManager.default.removeItem(atPath: logPath)
        return try CommandRunner.spawn(
            "/usr/sbin/runuser",
            [
                "-u", user, "--", "\(binaries)/postgres", "-D", directory + "/data", "-p", "\(port)", "-k", directory,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=\(maxConnections)",
            ],
            stdout: logPath, stderr: logPath)
    }

    /// Stops the server but keeps its cluster, for `restart()` (a database outage in a test).
    ///
    /// The port stays held (bound, not listening) until `restart()`: connections meanwhile are
    /// refused, as from a server that is down, and no other program can take the port before
    /// the server comes back on it.
    public func shutDown() {
        _ = try? Self.asPostgres("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        CommandRunner.waitForExit(pid)
        // SO_REUSEADDR on both sides lets postgres bind and listen again while this socket holds the port.
        heldPort.set(try? BoundSocket(port: port, reuseAddress: true))
    }

    /// Starts the cluster again on the same port, after `shutDown()`.
    public func restart() throws -> PostgresTestServer {
        defer { heldPort.set(nil) }
        let pid = try Self.launch(directory: directory, port: port, maxConnections: 100)
        let server = PostgresTestServer(port: port, password: password, directory: directory, pid: pid)
        try server.waitUntilReady()
        return server
    }

    /// Runs SQL through psql over the Unix socket (trusted), stopping at the first error.
    @discardableResult
    public func psql(_ sql: String, database: String = PostgresTestServer.database) throws -> String {
        try Self.asPostgres(
            "psql",
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)",
                "-U", Self.user, "-d", database, "-c", sql,
            ])
    }

    private func waitUntilReady() throws {
        // A limit that only catches a hang: postgres starts in about a second, even on a loaded machine.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if log.contains("database system is ready to accept connections") { return }
            var exitStatus: Int32?
            guard CommandRunner.isRunning(pid, exitStatus: &exitStatus) else {
                // `could not bind IPv4 address "127.0.0.1": Address already in use`, then `could not create any TCP/IP sockets`
                if log.contains("Address already in use") { throw FreePort.AddressInUse(port: port) }
                throw CommandRunner.Failure(description: "postgres exited with status \(exitStatus ?? -1) during start-up:\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandRunner.Failure(description: "postgres did not become ready on port \(port) within 120 s:\n\(log)")
    }

    /// Stops the server (fast shutdown) and deletes its directory.
    public func stop() {
        var exitStatus: Int32?
        if CommandRunner.isRunning(pid, exitStatus: &exitStatus) {
            _ = try? Self.asPostgres("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
            if CommandRunner.isRunning(pid, exitStatus: &exitStatus) { kill(pid, SIGTERM) }
            CommandRunner.waitForExit(pid)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    private static func asPostgres(_ tool: String, _ arguments: [String]) throws -> String {
        try CommandRunner.run("/usr/sbin/runuser", ["-u", user, "--", "\(binaries)/\(tool)"] + arguments)
    }
}

/// A socket holding a port, or none; closed when replaced.
private final class HeldPort: @unchecked Sendable {
    private let lock = NSLock()
    private var socket: BoundSocket?

    func set(_ new: BoundSocket?) {
        lock.withLock {
            socket?.close()
            socket = new
        }
    }

    deinit { socket?.close() }
}
