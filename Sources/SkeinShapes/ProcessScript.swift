import Foundation
import SkeinCore
import SkeinJSON

/// Runs a script in another language once per payload, as a child process — in the sandbox
/// unless the operator turned it off (see `ScriptShape`, `ScriptSandbox`).
struct ProcessScript: ShapeExecutor {
    let interpreter: Interpreter
    let code: String
    let timeout: Duration
    let memory: Int
    let output: ScriptShape.Output
    let sandbox: ScriptSandbox

    /// Sets the address-space limit (ulimit -v, RLIMIT_AS) and, in the sandbox, the process limit
    /// (RLIMIT_NPROC: `-u` in bash, `-p` in dash), then runs the interpreter under coreutils
    /// `timeout`: `$1` the memory limit in KiB, `$2` the process limit (0: none), `$3` the time
    /// limit in seconds, the rest the command.
    ///
    /// `timeout` is the time limit's watchdog inside the child's own process tree. Skein's timer
    /// (in `ScriptProcess`) can only be armed once swift-subprocess hands it the running child,
    /// which a starved cooperative pool can delay by many seconds; `timeout` starts with the
    /// script, so the limit holds however busy Skein is. At the limit it sends SIGKILL to the
    /// script and then to its whole process group, itself included (in the sandbox, bwrap's PID
    /// namespace then ends with every process in it).
    static let wrapper =
        #"ulimit -v "$1" || { echo "skein: cannot set the memory limit" >&2; exit 125; }; "#
        + #"[ "$2" = 0 ] || { ulimit -u "$2" 2>/dev/null || ulimit -p "$2"; } || { echo "skein: cannot set the process limit" >&2; exit 125; }; "#
        + #"limit=$3; shift 3; exec timeout -s KILL "$limit" "$@""#

    /// `duration` as `timeout` reads it: seconds, to the millisecond, rounded up (never 0, which
    /// `timeout` would read as "no limit").
    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", max(1, (duration / .milliseconds(1)).rounded(.up)) / 1000)
    }

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let executable = try interpreter.resolve()
        let launcher: ScriptSandbox.Launcher?
        if sandbox.isOff {
            launcher = nil
        } else {
            do { launcher = try await sandbox.verifiedLauncher() } catch {
                throw ShapeFailure("step '\(context.shapeID)': \(error.message)")
            }
            let real = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
            guard ScriptSandbox.isVisible(real) else {
                throw ShapeFailure(
                    "step '\(context.shapeID)': the interpreter \(executable)\(real == executable ? "" : " (\(real))") is outside what a "
                        + "sandboxed script can see (\(ScriptSandbox.systemDirectories.joined(separator: ", "))); install it under /usr (/usr/local works)")
            }
        }
        let directory = try prepareDirectory(context, sandboxed: launcher != nil)
        defer { try? FileManager.default.removeItem(at: directory) }

        var outputs: [Payload] = []
        var warnings: [String] = []
        for (index, payload) in input.enumerated() {
            let process = command(executable: executable, launcher: launcher, directory: directory.path, context, index: index)
            var outcome: ScriptProcess.Outcome
            do { outcome = try await process.run(stdin: payload.bytes()) } catch {
                try Task.checkCancellation()
                throw ShapeFailure("step '\(context.shapeID)': \(interpreter.name) script could not run: \(error)")
            }
            try Task.checkCancellation()
            if launcher != nil, let status = outcome.exitStatus, status > 128 && status <= 128 + 64 {
                // bwrap reports a child killed by a signal as 128 + the signal.
                (outcome.exitStatus, outcome.signal) = (nil, status - 128)
            }
            if outcome.signal == SIGKILL && outcome.endedPastDeadline && !outcome.stdoutOverflowed {
                // Killed once its time was up: by Skein's timer, or by the wrapper's `timeout`
                // when Skein's timer was armed late.
                outcome.timedOut = true
            }
            let stderr = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let label = "step '\(context.shapeID)', payload \(index): \(interpreter.name) script"
            if outcome.timedOut {
                throw ShapeFailure(
                    "\(label) ran longer than its time limit of \(DurationText.format(timeout)) and was stopped"
                        + (stderr.isEmpty ? "" : "; stderr: \(stderr.clipped(2000))"), details: details(outcome, stderr))
            }
            if outcome.stdoutOverflowed {
                throw ShapeFailure("\(label) wrote more than \(ByteSizeText.format(process.maximumOutput)) to stdout and was stopped")
            }
            if outcome.exitStatus != 0 {
                let how = outcome.exitStatus.map { "exited with status \($0)" } ?? "was killed by signal \(outcome.signal ?? 0)"
                let memoryHint = ProcessScript.looksOutOfMemory(stderr, outcome) ? " (it ran out of its memory limit of \(ByteSizeText.format(memory)))" : ""
                throw ShapeFailure("\(label) \(how)\(memoryHint)" + (stderr.isEmpty ? "" : ": \(stderr.clipped(2000))"), details: details(outcome, stderr))
            }
            if !stderr.isEmpty { warnings.append("\(label) wrote to stderr: \(stderr.clipped(2000))") }
            outputs += try parse(outcome.stdout, label: label)
        }
        return ShapeResult(outputs: outputs, warnings: warnings)
    }

    /// A private directory holding the script's code as `script`. In the sandbox it is mounted
    /// read-only at `/skein` and, when Skein runs as root, belongs to the sandbox's user (who must
    /// be able to open it); without a sandbox it is also the script's working directory and home.
    func prepareDirectory(_ context: ShapeContext, sandboxed: Bool) throws(ShapeFailure) -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-script-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let file = directory.appendingPathComponent("script")
            try Data(code.utf8).write(to: file)
            if sandboxed && geteuid() == 0 {
                for path in [directory.path, file.path] where chown(path, ScriptSandbox.sandboxUser, ScriptSandbox.sandboxUser) != 0 {
                    throw ShapeFailure("cannot give \(path) to the sandbox's user: \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw ShapeFailure(
                "step '\(context.shapeID)': cannot prepare the script's directory: \((error as? ShapeFailure)?.message ?? error.localizedDescription)")
        }
        return directory
    }

    /// The process for one payload: bwrap running the wrapper, or (sandbox off) the wrapper itself.
    func command(executable: String, launcher: ScriptSandbox.Launcher?, directory: String, _ context: ShapeContext, index: Int) -> ScriptProcess {
        let memoryKiB = String(memory / 1024)
        let limit = ProcessScript.seconds(timeout)
        guard let launcher else {
            return ScriptProcess(
                executable: "/bin/sh",
                arguments: ["-c", ProcessScript.wrapper, "skein-script", memoryKiB, "0", limit, executable]
                    + interpreter.arguments + ["script"],
                environment: environment(context, index: index, home: directory), workingDirectory: directory,
                killsProcessGroup: true, timeout: timeout)
        }
        return ScriptProcess(
            executable: launcher.executable,
            arguments: launcher.prefix + sandbox.bwrapArguments(scriptDirectory: directory, tmpSize: memory)
                + ["/bin/sh", "-c", ProcessScript.wrapper, "skein-script", memoryKiB, String(ScriptSandbox.processLimit), limit, executable]
                + interpreter.arguments + ["\(ScriptSandbox.codeDirectory)/script"],
            environment: environment(context, index: index, home: "/tmp"), workingDirectory: "/",
            killsProcessGroup: false, timeout: timeout)
    }

    func environment(_ context: ShapeContext, index: Int, home: String) -> [String: String] {
        [
            "PATH": Interpreter.searchPath.joined(separator: ":"), "HOME": home, "LANG": "C.UTF-8", "TMPDIR": home,
            "SKEIN_RUN_ID": String(context.runID), "SKEIN_FLOW_ID": context.flowID, "SKEIN_STEP_ID": context.shapeID,
            "SKEIN_PAYLOAD_INDEX": String(index), "SKEIN_VARIABLES": FlowVariables.object(context.variables).serialized(),
        ]
    }

    func details(_ outcome: ScriptProcess.Outcome, _ stderr: String) -> JSON {
        var details: JSON.Object = ["interpreter": .string(interpreter.name), "stderr": .string(stderr.clipped(16_000))]
        if let status = outcome.exitStatus { details["exit_status"] = .number(Double(status)) }
        if let signal = outcome.signal { details["signal"] = .number(Double(signal)) }
        if outcome.timedOut { details["time_limit"] = .string(DurationText.format(timeout)) }
        return .object(details)
    }

    static func looksOutOfMemory(_ stderr: String, _ outcome: ScriptProcess.Outcome) -> Bool {
        let lowered = stderr.lowercased()
        return ["memoryerror", "out of memory", "cannot allocate memory", "bad_alloc", "heap limit", "failed to reserve"].contains { lowered.contains($0) }
            || outcome.signal == SIGSEGV || outcome.signal == SIGABRT || outcome.signal == SIGTRAP
    }

    func parse(_ stdout: [UInt8], label: String) throws(ShapeFailure) -> [Payload] {
        switch output {
        case .text:
            return stdout.isEmpty ? [] : [Payload(bytes: stdout, contentType: "text/plain")]
        case .document:
            guard !stdout.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return [] }
            do { return [Payload(json: try JSON(parsing: String(decoding: stdout, as: UTF8.self)))] } catch {
                throw ShapeFailure("\(label) did not print one JSON document on stdout: \(error)")
            }
        case .lines:
            var payloads: [Payload] = []
            for (number, line) in stdout.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { continue }
                do { payloads.append(Payload(json: try JSON(parsing: text))) } catch {
                    throw ShapeFailure(
                        "\(label): stdout line \(number + 1) is not JSON (\(error)); print one JSON document per line, "
                            + "or set output: document or text: \(text.clipped(200))")
                }
            }
            return payloads
        }
    }
}
