import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program as a child process in its own process group, feeding it bytes on stdin and
/// collecting stdout and stderr, under a time limit.
///
/// - The child gets exactly the `environment` given (nothing inherited).
/// - At the time limit, or when the calling task is cancelled, the whole process group gets
///   SIGKILL, so helpers a script started go too. The group is also killed once the child has
///   exited, so a stray background process cannot keep the pipes (and the step) open.
/// - Blocking reads, writes and the wait happen on their own threads, never on the Swift
///   concurrency pool.
struct ChildProcess {
    struct Outcome: Sendable {
        /// The exit status, when the child exited.
        var exitStatus: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        var stdout: [UInt8]
        /// More than `maximumOutput` bytes were written; the rest was discarded.
        var stdoutOverflowed: Bool
        /// The last `maximumError` bytes of stderr.
        var stderr: [UInt8]
        var timedOut: Bool
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var timeout: Duration
    var maximumOutput: Int = 256 << 20
    var maximumError: Int = 64 << 10

    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    func run(stdin input: [UInt8]) async throws -> Outcome {
        _ = ChildProcess.ignoreBrokenPipes
        let pid = try spawn()
        let state = ProcessState(pid: pid.pid)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let pipes = Latch(count: 3)
                let exited = Latch(count: 1)
                let output = PipeReader(fd: pid.stdout, limit: maximumOutput, keepTail: false)
                let errors = PipeReader(fd: pid.stderr, limit: maximumError, keepTail: true)
                for reader in [output, errors] {
                    Thread.detachNewThread { reader.readToEnd(); pipes.countDown() }
                }
                Thread.detachNewThread {
                    ChildProcess.writeAll(input, to: pid.stdin)
                    close(pid.stdin)
                    pipes.countDown()
                }
                let deadline = Date().addingTimeInterval(timeout.seconds)
                Thread.detachNewThread {
                    if !exited.wait(until: deadline) { state.kill(timedOut: true) }
                }
                Thread.detachNewThread {
                    var status: Int32 = 0
                    while waitpid(pid.pid, &status, 0) < 0 && errno == EINTR {}
                    exited.countDown()
                    // Whatever the child left behind in its group goes too (and releases the pipes).
                    state.kill(timedOut: false)
                    pipes.wait(until: nil)
                    let exited = status & 0x7f == 0
                    continuation.resume(returning: Outcome(
                        exitStatus: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f,
                        stdout: output.bytes, stdoutOverflowed: output.overflowed, stderr: errors.bytes, timedOut: state.timedOut))
                }
            }
        } onCancel: {
            state.kill(timedOut: false)
        }
    }

    private struct Spawned {
        var pid: pid_t
        var stdin: Int32
        var stdout: Int32
        var stderr: Int32
    }

    private func spawn() throws -> Spawned {
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [0, 0]
            guard ChildProcess.makePipe(&fds) == 0 else {
                for pair in pipes { close(pair[0]); close(pair[1]) }
                throw LaunchError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            pipes.append(fds)
        }
        defer {
            // The child's ends, in the parent.
            close(pipes[0][0]); close(pipes[1][1]); close(pipes[2][1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(pipes[0][1]); close(pipes[1][0]); close(pipes[2][0])
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return Spawned(pid: pid, stdin: pipes[0][1], stdout: pipes[1][0], stderr: pipes[2][0])
    }

    /// `pipe2(fds, O_CLOEXEC)`, looked up at run time (Swift's Glibc module does not declare it):
    /// both ends close on exec, so a script started at the same moment by another step never
    /// inherits this one's pipes (which would keep them open until that script ends).
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32).self)
    }()

    private static let pipeLock = NSLock()

    private static func makePipe(_ fds: inout [Int32]) -> Int32 {
        if let pipe2 { return fds.withUnsafeMutableBufferPointer { pipe2($0.baseAddress, O_CLOEXEC) } }
        return pipeLock.withLock {
            let result = fds.withUnsafeMutableBufferPointer { pipe($0.baseAddress) }
            if result == 0 { for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
            return result
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return // EPIPE: the child does not read its input; that is its business
                }
                offset += written
            }
        }
    }
}

/// The child's pid and whether the time limit killed it; kills the group at most once per reason.
private final class ProcessState: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var _timedOut = false
    private var reaped = false

    init(pid: pid_t) { self.pid = pid }

    var timedOut: Bool { lock.withLock { _timedOut } }

    func kill(timedOut: Bool) {
        lock.withLock {
            if timedOut {
                if reaped { return }
                _timedOut = true
            } else {
                reaped = true
            }
            _ = Glibc.kill(-pid, SIGKILL)
        }
    }
}

/// Reads a pipe to its end on the calling thread, keeping at most `limit` bytes (the first ones,
/// or with `keepTail` the last ones).
private final class PipeReader: @unchecked Sendable {
    let fd: Int32
    let limit: Int
    let keepTail: Bool
    private(set) var bytes: [UInt8] = []
    private(set) var overflowed = false

    init(fd: Int32, limit: Int, keepTail: Bool) {
        self.fd = fd
        self.limit = limit
        self.keepTail = keepTail
    }

    func readToEnd() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if keepTail {
                bytes.append(contentsOf: buffer[0..<count])
                if bytes.count > limit { bytes.removeFirst(bytes.count - limit); overflowed = true }
            } else {
                let room = limit - bytes.count
                if count > room { overflowed = true }
                if room > 0 { bytes.append(contentsOf: buffer[0..<min(count, room)]) }
            }
        }
        close(fd)
    }
}

/// Counts down to zero once; threads wait for zero, with a deadline.
private final class Latch: @unchecked Sendable {
    private let condition = NSCondition()
    private var remaining: Int

    init(count: Int) { remaining = count }

    func countDown() {
        condition.lock()
        remaining -= 1
        if remaining <= 0 { condition.broadcast() }
        condition.unlock()
    }

    /// True when the count reached zero before `deadline` (nil: no deadline).
    @discardableResult
    func wait(until deadline: Date?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while remaining > 0 {
            if let deadline {
                if !condition.wait(until: deadline) { return remaining <= 0 }
            } else {
                condition.wait()
            }
        }
        return true
    }
}
