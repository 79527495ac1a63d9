import Foundation
import SkeinCore
import Testing

@testable import SkeinShapes

#if canImport(Glibc)
    import Glibc
#endif

/// The process runner under the `script` shape, with real programs: its limits and its edges.
@Suite struct ScriptProcessTests {
    func shell(
        _ command: String, environment: [String: String] = [:], timeout: Duration = .seconds(60),
        maximumOutput: Int = 256 << 20, maximumError: Int = 64 << 10
    ) -> ScriptProcess {
        ScriptProcess(
            executable: "/bin/sh", arguments: ["-c", command], environment: environment, workingDirectory: "/",
            killsProcessGroup: true, timeout: timeout, maximumOutput: maximumOutput, maximumError: maximumError)
    }

    @Test func stdoutPastItsLimitStopsTheProcessAndKeepsTheFirstBytes() async throws {
        let outcome = try await shell("yes skein", maximumOutput: 1 << 20).run(stdin: [])
        #expect(outcome.stdoutOverflowed)
        #expect(outcome.stdout.count == 1 << 20)
        #expect(outcome.stdout.starts(with: Array("skein\nskein\n".utf8)))
        #expect(outcome.signal == SIGKILL && !outcome.timedOut)
    }

    @Test func stderrKeepsItsLastBytes() async throws {
        let outcome = try await shell(#"i=0; while [ $i -lt 20000 ]; do echo "line $i" >&2; i=$((i+1)); done"#, maximumError: 1000).run(stdin: [])
        #expect(outcome.exitStatus == 0)
        #expect(outcome.stderr.count == 1000)
        #expect(String(decoding: outcome.stderr, as: UTF8.self).hasSuffix("line 19999\n"))
    }

    @Test func aProcessThatNeverReadsItsInputFinishesNormally() async throws {
        // 8 MB cannot fit in a pipe: the writer meets a closed pipe (EPIPE, never SIGPIPE to this process).
        let outcome = try await shell("echo done").run(stdin: [UInt8](repeating: 0x41, count: 8 << 20))
        #expect(outcome.exitStatus == 0)
        #expect(outcome.stdout == Array("done\n".utf8))
    }

    @Test func theInputArrivesWholeAndTheEnvironmentIsExactlyTheOneGiven() async throws {
        let input = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let copy = try await shell("cat").run(stdin: input)
        #expect(copy.stdout == input)
        let environment = try await ScriptProcess(
            executable: "/usr/bin/env", arguments: [], environment: ["ONLY": "this"], workingDirectory: "/",
            killsProcessGroup: true, timeout: .seconds(60)
        ).run(stdin: [])
        #expect(String(decoding: environment.stdout, as: UTF8.self) == "ONLY=this\n")
    }

    @Test func aProcessThatClosesItsOutputsIsStillStoppedAtTheTimeLimit() async throws {
        // The process cannot end by itself within a test run: however late a starved machine fires
        // the limit, only the kill can end it (a 30 s sleep once outlived a late timer).
        let outcome = try await shell("exec >&- 2>&-; sleep 900", timeout: .seconds(1)).run(stdin: [])
        #expect(outcome.timedOut)
        #expect(outcome.signal == SIGKILL)
    }

    /// The command the `script` shape runs keeps its time limit by itself. Run here with nothing
    /// of Skein's watching (no timer, no kill: the process is started with Foundation's
    /// `Process`), a script that sleeps 900 s still ends at its 1 s limit, with and without the
    /// sandbox. Skein's own timer is armed only once the cooperative pool runs the process
    /// runner, which a starved machine has delayed by more than 29 s.
    @Test(.timeLimit(.minutes(5)), arguments: [false, true])
    func theScriptCommandEndsAtItsTimeLimitWithoutSkeinsTimer(sandboxed: Bool) async throws {
        let sandbox: ScriptSandbox = sandboxed ? .automatic : .off
        let script = ProcessScript(
            interpreter: Interpreter(name: "sh", path: "/bin/sh", arguments: []), code: "sleep 900", timeout: .seconds(1),
            memory: 256 << 20, output: .text, sandbox: sandbox)
        let context = ShapeContext(runID: 1, flowID: "limits", shapeID: "sleeper")
        let launcher = sandboxed ? try await sandbox.verifiedLauncher() : nil
        let directory = try script.prepareDirectory(context, sandboxed: sandboxed)
        defer { try? FileManager.default.removeItem(at: directory) }
        let command = script.command(executable: "/bin/sh", launcher: launcher, directory: directory.path, context, index: 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.executable)
        process.arguments = command.arguments
        process.environment = command.environment
        process.currentDirectoryURL = URL(fileURLWithPath: command.workingDirectory)
        let ended = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        try process.run()
        for await _ in ended {}

        if sandboxed {
            // bwrap reports its child's death by a signal as 128 + the signal.
            #expect(process.terminationReason == .exit && process.terminationStatus == 128 + SIGKILL)
        } else {
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        }
    }
}
