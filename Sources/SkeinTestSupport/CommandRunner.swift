import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts helper programs (sshd, ssh-keygen, useradd, ...) for the test harness with
/// `posix_spawn`/`waitpid`, redirecting their output to files.
///
/// Deliberately not Foundation's `Process`: on Linux its termination monitoring hung when
/// several tests started servers at once. Everything here blocks, so callers run it on a
/// dedicated thread (see ``onDedicatedThread(_:)``), never on the Swift concurrency pool.
public enum CommandRunner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `executable` to completion, feeding `input` on stdin; returns stdout.
    /// Throws with stderr included when the exit status is not 0.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
        let scratch = NSTemporaryDirectory() + "skein-cmd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inputPath = scratch + "/stdin"
        try (input ?? "").write(toFile: inputPath, atomically: false, encoding: .utf8)

        let pid = try spawn(
            executable, arguments, stdin: inputPath, stdout: scratch + "/stdout", stderr: scratch + "/stderr")
        let status = waitForExit(pid)
        let output = (try? String(contentsOfFile: scratch + "/stdout", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: scratch + "/stderr", encoding: .utf8)) ?? ""
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited with status \(status): \(errors)")
        }
        return output
    }

    /// Starts `executable` in the background with stdin from `stdin` (or /dev/null) and
    /// stdout/stderr appended to the given files. Returns its process id.
    public static func spawn(
        _ executable: String, _ arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw Failure(description: "could not start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for `pid` to exit and returns its exit status (128 + signal if killed).
    @discardableResult
    public static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// True while `pid` has not exited (reaps it if it has, so call ``waitForExit(_:)`` only
    /// while this is true).
    public static func isRunning(_ pid: pid_t, exitStatus: inout Int32?) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            let signal = status & 0x7f
            exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return false
        }
        return result == 0
    }
}

/// Runs blocking `work` on a new thread so it cannot starve the Swift concurrency pool.
///
/// The thread is a plain detached pthread whose creation is checked: Foundation's
/// `Thread.start()` ignores a failed `pthread_create`, and the awaiting test then waits forever
/// for a continuation nobody holds (a whole-suite run once hung that way under heavy load).
/// Here a thread that cannot be created is an error the test reports.
public func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let job = DedicatedThreadJob { continuation.resume(with: Result { try work() }) }
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<DedicatedThreadJob>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<DedicatedThreadJob>.fromOpaque(context).release()
            continuation.resume(
                throwing: CommandRunner.Failure(
                    description: "could not start a thread for blocking test work: \(String(cString: strerror(created)))"))
            return
        }
        pthread_detach(thread)
    }
}

/// The closure a dedicated pthread runs, boxed so it can cross `pthread_create`'s `void *`.
private final class DedicatedThreadJob: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
