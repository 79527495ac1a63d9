import Foundation
import SkeinCore
import SkeinJSON

/// Runs a script in another language once per payload, as a child process (see `ScriptShape`).
struct ProcessScript: ShapeExecutor {
    let interpreter: Interpreter
    let code: String
    let timeout: Duration
    let memory: Int
    let output: ScriptShape.Output

    /// Sets the address-space limit in the child itself (ulimit -v, RLIMIT_AS), then becomes the
    /// interpreter: `$1` the working directory, `$2` the limit in KiB, the rest the command.
    static let wrapper = #"cd "$1" || exit 125; ulimit -v "$2" || exit 125; shift 2; exec "$@""#

    func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
        let executable = try interpreter.resolve()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-script-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(code.utf8).write(to: directory.appendingPathComponent("script"))
        } catch {
            throw ShapeFailure("step '\(context.shapeID)': cannot prepare the script's directory: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }

        var outputs: [Payload] = []
        var warnings: [String] = []
        for (index, payload) in input.enumerated() {
            let process = ChildProcess(
                executable: "/bin/sh",
                arguments: ["-c", ProcessScript.wrapper, "skein-script", directory.path, String(memory / 1024), executable]
                    + interpreter.arguments + ["script"],
                environment: environment(context, index: index, home: directory.path), timeout: timeout)
            let outcome: ChildProcess.Outcome
            do { outcome = try await process.run(stdin: payload.bytes()) } catch {
                throw ShapeFailure("step '\(context.shapeID)': \(error)")
            }
            try Task.checkCancellation()
            let stderr = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let label = "step '\(context.shapeID)', payload \(index): \(interpreter.name) script"
            if outcome.timedOut {
                throw ShapeFailure("\(label) ran longer than its time limit of \(DurationText.format(timeout)) and was stopped"
                                   + (stderr.isEmpty ? "" : "; stderr: \(stderr.clipped(2000))"), details: details(outcome, stderr))
            }
            if outcome.exitStatus != 0 {
                let how = outcome.exitStatus.map { "exited with status \($0)" } ?? "was killed by signal \(outcome.signal ?? 0)"
                let memoryHint = ProcessScript.looksOutOfMemory(stderr, outcome) ? " (it ran out of its memory limit of \(ByteSizeText.format(memory)))" : ""
                throw ShapeFailure("\(label) \(how)\(memoryHint)" + (stderr.isEmpty ? "" : ": \(stderr.clipped(2000))"), details: details(outcome, stderr))
            }
            if outcome.stdoutOverflowed {
                throw ShapeFailure("\(label) wrote more than \(ByteSizeText.format(process.maximumOutput)) to stdout")
            }
            if !stderr.isEmpty { warnings.append("\(label) wrote to stderr: \(stderr.clipped(2000))") }
            outputs += try parse(outcome.stdout, label: label)
        }
        return ShapeResult(outputs: outputs, warnings: warnings)
    }

    func environment(_ context: ShapeContext, index: Int, home: String) -> [String: String] {
        [
            "PATH": Interpreter.searchPath.joined(separator: ":"), "HOME": home, "LANG": "C.UTF-8", "TMPDIR": home,
            "SKEIN_RUN_ID": String(context.runID), "SKEIN_FLOW_ID": context.flowID, "SKEIN_STEP_ID": context.shapeID,
            "SKEIN_PAYLOAD_INDEX": String(index), "SKEIN_VARIABLES": FlowVariables.object(context.variables).serialized(),
        ]
    }

    func details(_ outcome: ChildProcess.Outcome, _ stderr: String) -> JSON {
        var details: JSON.Object = ["interpreter": .string(interpreter.name), "stderr": .string(stderr.clipped(16_000))]
        if let status = outcome.exitStatus { details["exit_status"] = .number(Double(status)) }
        if let signal = outcome.signal { details["signal"] = .number(Double(signal)) }
        if outcome.timedOut { details["time_limit"] = .string(DurationText.format(timeout)) }
        return .object(details)
    }

    static func looksOutOfMemory(_ stderr: String, _ outcome: ChildProcess.Outcome) -> Bool {
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
                    throw ShapeFailure("\(label): stdout line \(number + 1) is not JSON (\(error)); print one JSON document per line, "
                                       + "or set output: document or text: \(text.clipped(200))")
                }
            }
            return payloads
        }
    }
}
