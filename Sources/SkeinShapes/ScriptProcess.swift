import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one program as a child process (with swift-subprocess), feeding it bytes on stdin and
/// collecting stdout and stderr, under a time limit: the process runner of the `script` shape.
///
/// - The child gets exactly the `environment` given (nothing inherited) and no file descriptor
///   but its three pipes.
/// - At the time limit, when stdout passes `maximumOutput`, or when the calling task is
///   cancelled, the child gets SIGKILL: the process alone when it is bwrap (its PID namespace,
///   and so every process the script started, dies with it), or its whole process group when
///   there is no sandbox. Without a sandbox the group is also killed once the child has exited,
///   so a stray background process cannot linger (one that left the group with `setsid`
///   escapes: that is what the sandbox is for).
/// - swift-subprocess has no hook to set resource limits in the child on Linux, so the memory
///   and process limits are set by the `/bin/sh` wrapper the caller runs (`ulimit`), and the
///   switch to an unprivileged user by `setpriv` (see `ScriptSandbox.Launcher`). The `script`
///   shape's wrapper also keeps the time limit itself (coreutils `timeout`, see
///   `ProcessScript.wrapper`): this runner's timer is armed only once swift-subprocess runs its
///   closure, late when the cooperative pool is starved.
struct ScriptProcess {
    struct Outcome: Sendable {
        /// The exit status, when the child exited.
        var exitStatus: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        var stdout: [UInt8] = []
        /// More than `maximumOutput` bytes were written: the child was stopped and the rest discarded.
        var stdoutOverflowed = false
        /// The last `maximumError` bytes of stderr.
        var stderr: [UInt8] = []
        var timedOut = false
        /// The time limit had passed when the child was seen to have exited. A SIGKILL then may
        /// come from a watchdog in the child's own process tree rather than from this runner.
        var endedPastDeadline = false
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String
    /// Kill the child's process group rather than the child alone (see above).
    var killsProcessGroup: Bool
    var timeout: Duration
    var maximumOutput: Int = 256 << 20
    var maximumError: Int = 64 << 10

    /// Writing to a pipe whose reader has gone must fail with EPIPE, not end Skein with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// The queue the time limits fire on. A serial queue of its own is *overcommit* in
    /// libdispatch: it gets a thread even when every thread of the global queues is busy or
    /// blocked, which on a 2-core host can take many seconds to change.
    private static let timeLimits = DispatchQueue(label: "skein.script-time-limits")

    func run(stdin input: [UInt8]) async throws -> Outcome {
        _ = ScriptProcess.ignoreBrokenPipes
        // The limit counts from here, before the spawn: however long the cooperative pool takes
        // to start `collect`, the script gets no more than its time.
        let deadline = DispatchTime.now() + .nanoseconds(Self.nanoseconds(timeout))
        // Only what posix_spawn can do (a new process group, a working directory), so swift-subprocess
        // spawns with posix_spawn. Its fork path (taken for userID, groupID or supplementaryGroups)
        // calls setgroups/setuid in a child cloned from this multithreaded process, where glibc waits
        // forever for threads that do not exist there: root drops to the sandbox user with setpriv.
        var options = PlatformOptions()
        options.processGroupID = 0
        var variables: [Environment.Key: String] = [:]
        for (name, value) in environment { if let key = Environment.Key(rawValue: name) { variables[key] = value } }
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: .custom(variables), workingDirectory: FilePath(workingDirectory), platformOptions: options)
        let result = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
            try await collect(execution, input: input, deadline: deadline)
        }
        var outcome = result.closureResult
        switch result.terminationStatus {
        case .exited(let code): outcome.exitStatus = code
        case .signaled(let signal): outcome.signal = signal
        }
        return outcome
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64.max / 1_000_000_000 else { return Int.max }
        return max(0, Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    private enum Part: Sendable {
        case output(Collected)
        case error(Collected)
        case done
    }

    /// Feeds stdin, reads both streams to their end under the limits, and returns once the child
    /// has exited (still unreaped, so its pid cannot have been reused by anything we might kill).
    private func collect(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, input: [UInt8], deadline: DispatchTime
    ) async throws -> Outcome {
        let control = ProcessControl(pid: execution.processIdentifier.value, group: killsProcessGroup)
        let (maximumOutput, maximumError) = (maximumOutput, maximumError)
        // The time limit is a Dispatch timer on a queue of its own, not a sleeping task nor the
        // global queue: a cooperative pool kept busy (2 threads on a 2-core host, blocked by
        // other work) must not let a script outlive its limit. A full test run saw a task timer
        // of 1 s fire after more than 30 s; another, with the timer on the global queue and
        // started in `collect`, stopped a 1 s script after about 20 s. A deadline already
        // passed fires at once.
        let timer = DispatchSource.makeTimerSource(queue: Self.timeLimits)
        timer.setEventHandler { control.kill(.timeLimit) }
        timer.schedule(deadline: deadline)
        timer.resume()
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            defer { control.finish() }
            return try await withThrowingTaskGroup(of: Part.self) { group in
                let writer = execution.standardInputWriter
                group.addTask {
                    // A script that never reads its input, or exits first, is its own business.
                    if !input.isEmpty { _ = try? await writer.write(input) }
                    try? await writer.finish()
                    return .done
                }
                let (stdout, stderr) = (execution.standardOutput, execution.standardError)
                group.addTask { .output(try await Collected.read(stdout, limit: maximumOutput, keepTail: false) { control.kill(.outputLimit) }) }
                group.addTask { .error(try await Collected.read(stderr, limit: maximumError, keepTail: true) {}) }
                var outcome = Outcome()
                var openStreams = 2
                while openStreams > 0, let part = try await group.next() {
                    switch part {
                    case .output(let collected):
                        (outcome.stdout, outcome.stdoutOverflowed) = (collected.bytes, collected.overflowed)
                        openStreams -= 1
                    case .error(let collected):
                        outcome.stderr = collected.bytes
                        openStreams -= 1
                    case .done: continue
                    }
                }
                // The streams end when the child exits (or closes them itself); the timer keeps running until it has exited.
                while !control.hasExited { try await Task.sleep(for: .milliseconds(5)) }
                group.cancelAll()
                outcome.timedOut = control.timedOut
                outcome.endedPastDeadline = DispatchTime.now() >= deadline
                return outcome
            }
        } onCancel: {
            control.kill(.cancelled)
        }
    }
}

/// The bytes kept from one output stream.
private struct Collected: Sendable {
    var bytes: [UInt8] = []
    var overflowed = false

    /// Reads `stream` to its end, keeping at most `limit` bytes (the first ones, or with
    /// `keepTail` the last ones); `onOverflow` runs once when the limit is first passed.
    static func read(_ stream: SubprocessOutputSequence, limit: Int, keepTail: Bool, onOverflow: @Sendable () -> Void) async throws -> Collected {
        var collected = Collected()
        for try await buffer in stream {
            buffer.withUnsafeBytes { chunk in
                if keepTail {
                    collected.bytes.append(contentsOf: chunk)
                    if collected.bytes.count > limit {
                        collected.bytes.removeFirst(collected.bytes.count - limit)
                        collected.overflowed = true
                    }
                } else {
                    let room = limit - collected.bytes.count
                    if chunk.count > room {
                        if !collected.overflowed { onOverflow() }
                        collected.overflowed = true
                    }
                    if room > 0 { collected.bytes.append(contentsOf: chunk.prefix(room)) }
                }
            }
        }
        return collected
    }
}

/// Kills the child (or its group) for a reason, never after `finish()`: from then on its pid may
/// be reaped and reused.
private final class ProcessControl: @unchecked Sendable {
    enum Reason { case timeLimit, outputLimit, cancelled }

    let pid: pid_t
    let group: Bool
    private let lock = NSLock()
    private var finished = false
    private var _timedOut = false

    init(pid: pid_t, group: Bool) {
        self.pid = pid
        self.group = group
    }

    var timedOut: Bool { lock.withLock { _timedOut } }

    /// True once the child has exited (it stays a zombie until swift-subprocess reaps it).
    var hasExited: Bool {
        while true {
            var info = siginfo_t()
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 { return info._sifields._sigchld.si_pid == pid }
            // Only "no such child" means it is gone (reaped); any other failure says nothing,
            // and reading it as "exited" would skip the time limit's kill.
            if errno == EINTR { continue }
            return errno == ECHILD
        }
    }

    func kill(_ reason: Reason) {
        lock.withLock {
            guard !finished else { return }
            if reason == .timeLimit {
                if hasExited { return }
                _timedOut = true
            }
            _ = Glibc.kill(group ? -pid : pid, SIGKILL)
        }
    }

    /// The child has exited: without a sandbox, whatever it left in its group goes too.
    func finish() {
        lock.withLock {
            if group && !finished { _ = Glibc.kill(-pid, SIGKILL) }
            finished = true
        }
    }
}
