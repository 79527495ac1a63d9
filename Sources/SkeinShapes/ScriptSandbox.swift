import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `script` steps in other languages run: in a bubblewrap (`bwrap`) sandbox, the default,
/// or — only when the operator says so with `SKEIN_SCRIPT_SANDBOX=off` — directly on the host.
///
/// In the sandbox a script sees a read-only `/usr` (with `/bin`, `/lib*` and a few files of
/// `/etc`), its code at `/skein/script`, a private `/tmp` in memory, its own `/proc` (its own
/// processes only) and a minimal `/dev` — nothing else of the host: not the data directory
/// (credential key, SQLite file), not the configuration, not Skein's environment. It runs as
/// uid/gid 65534 (nobody), with no capabilities, no network (a namespace with only a loopback
/// of its own) and at most ``processLimit`` processes; its processes live in a PID namespace,
/// so when the time limit kills the sandbox every process it started goes too, however it
/// detached itself (double fork, `setsid`).
///
/// When no sandbox can run (bwrap missing, user namespaces refused), scripts are refused with
/// an error on the step saying why — never run unconfined behind the operator's back.
public struct ScriptSandbox: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// bwrap at this path, or (nil) the first found in `Interpreter.searchPath`.
        case bubblewrap(String?)
        case off
    }

    let kind: Kind

    /// bwrap from `/usr/bin`, `/bin` or `/usr/local/bin` (the default).
    public static let automatic = ScriptSandbox(kind: .bubblewrap(nil))
    /// No sandbox: scripts run as Skein's own user with only the time, memory and output limits
    /// and a clean environment. They can read whatever that user can, the data directory included.
    public static let off = ScriptSandbox(kind: .off)
    /// bwrap at `path`.
    public static func bubblewrap(at path: String) -> ScriptSandbox { ScriptSandbox(kind: .bubblewrap(path)) }

    /// The environment variable (and, lower-cased without the prefix, the configuration file
    /// key `script_sandbox`) choosing the sandbox.
    public static let variable = "SKEIN_SCRIPT_SANDBOX"

    /// Reads the setting: unset, empty or `bwrap` is ``automatic``; `off` is ``off``; an absolute
    /// path is the bwrap to use.
    public static func parse(_ setting: String?) throws(ScriptSandboxSettingError) -> ScriptSandbox {
        guard let setting = setting?.trimmingCharacters(in: .whitespaces), !setting.isEmpty else { return .automatic }
        switch setting {
        case "bwrap": return .automatic
        case "off": return .off
        case let path where path.hasPrefix("/"): return .bubblewrap(at: path)
        default: throw ScriptSandboxSettingError(value: setting)
        }
    }

    public var description: String {
        switch kind {
        case .off: "off"
        case .bubblewrap(let path?): "bwrap at \(path)"
        case .bubblewrap(nil): "bwrap"
        }
    }

    /// True when scripts run without a sandbox because the operator said so.
    public var isOff: Bool { kind == .off }

    /// The uid and gid scripts run as in the sandbox (and, when Skein runs as root, outside it too).
    static let sandboxUser: UInt32 = 65534
    /// Processes (threads included) one script may have at once: a fork bomb stops here.
    public static let processLimit = 256
    /// The size of the sandbox's `/dev/shm` (POSIX shared memory and semaphores).
    static let sharedMemorySize = 16 << 20

    /// Nil when scripts can run (or the sandbox is off); otherwise why every script is refused.
    /// Tries the sandbox once (a few milliseconds) and remembers success.
    public func problem() async -> String? {
        switch kind {
        case .off: return nil
        case .bubblewrap:
            do { _ = try await verifiedLauncher(); return nil } catch { return error.message }
        }
    }

    /// How the sandbox is started: bwrap, behind `setpriv` when Skein runs as root so that bwrap
    /// (and the script) run as the sandbox's user, never as root.
    struct Launcher: Sendable, Hashable {
        var executable: String
        /// The arguments before bwrap's own (setpriv's, then bwrap's path), or none.
        var prefix: [String]
    }

    /// The launcher, once it is known to work on this host.
    func verifiedLauncher() async throws(ShapeFailureMessage) -> Launcher {
        let launcher = try locate()
        if VerifiedSandboxes.shared.contains(launcher) { return launcher }
        let bwrap = launcher.prefix.last ?? launcher.executable
        let outcome: ScriptProcess.Outcome
        do {
            outcome = try await ScriptProcess(
                executable: launcher.executable, arguments: launcher.prefix + bwrapArguments(scriptDirectory: nil, tmpSize: 1 << 20) + ["/bin/true"],
                environment: [:], workingDirectory: "/", killsProcessGroup: false, timeout: .seconds(30)
            ).run(stdin: [])
        } catch {
            throw ShapeFailureMessage("scripts run in a sandbox, and \(bwrap) could not be started: \(error). \(ScriptSandbox.remedy)")
        }
        guard outcome.exitStatus == 0 else {
            let stderr = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let how =
                outcome.timedOut
                ? "did not finish in 30s" : outcome.exitStatus.map { "exited with status \($0)" } ?? "was killed by signal \(outcome.signal ?? 0)"
            throw ShapeFailureMessage(
                "scripts run in a sandbox, and the sandbox does not work on this host: \(bwrap) \(how)"
                    + (stderr.isEmpty ? "" : " (\(stderr.clipped(500)))") + ". \(ScriptSandbox.remedy)")
        }
        VerifiedSandboxes.shared.insert(launcher)
        return launcher
    }

    static let remedy =
        "Install the Debian package bubblewrap and allow unprivileged user namespaces, or set \(variable)=off "
        + "to run scripts without a sandbox, able to read everything Skein's user can (see docs/shapes.md, script)"

    func locate() throws(ShapeFailureMessage) -> Launcher {
        let bwrap: String
        switch kind {
        case .off: throw ShapeFailureMessage("the script sandbox is off")
        case .bubblewrap(let path?):
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw ShapeFailureMessage(
                    "scripts run in a sandbox, and \(ScriptSandbox.variable) names \(path), which is not an executable file on this host. \(ScriptSandbox.remedy)"
                )
            }
            bwrap = path
        case .bubblewrap(nil):
            guard let found = ScriptSandbox.find("bwrap") else {
                throw ShapeFailureMessage(
                    "scripts run in a sandbox, and bwrap is not installed on this host (looked in "
                        + "\(Interpreter.searchPath.joined(separator: ", "))). \(ScriptSandbox.remedy)")
            }
            bwrap = found
        }
        guard geteuid() == 0 else { return Launcher(executable: bwrap, prefix: []) }
        guard let setpriv = ScriptSandbox.find("setpriv") else {
            throw ShapeFailureMessage(
                "scripts run in a sandbox, and as Skein runs as root it needs setpriv (Debian package util-linux) "
                    + "to start the sandbox as an unprivileged user; it is not installed. \(ScriptSandbox.remedy)")
        }
        let id = String(ScriptSandbox.sandboxUser)
        return Launcher(executable: setpriv, prefix: ["--reuid=\(id)", "--regid=\(id)", "--clear-groups", "--", bwrap])
    }

    static func find(_ program: String) -> String? {
        Interpreter.searchPath.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The host directories a sandboxed script sees (read-only), besides its own `/tmp`, `/proc` and `/dev`.
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    /// Files of `/etc` programs commonly need: the dynamic linker's cache, the time zone, Debian's alternatives.
    static let etcFiles = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives"]
    /// Where the script's code appears inside the sandbox.
    static let codeDirectory = "/skein"

    /// True when `path` (an interpreter, symlinks resolved) is visible inside the sandbox.
    static func isVisible(_ path: String) -> Bool {
        systemDirectories.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// bwrap's options, up to the command: namespaces, the filesystem view, the working directory.
    func bwrapArguments(scriptDirectory: String?, tmpSize: Int) -> [String] {
        let id = String(ScriptSandbox.sandboxUser)
        var arguments = [
            "--unshare-user", "--uid", id, "--gid", id, "--disable-userns",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "skein-script", "--die-with-parent", "--new-session",
        ]
        let fileManager = FileManager.default
        for directory in ScriptSandbox.systemDirectories {
            if let target = try? fileManager.destinationOfSymbolicLink(atPath: directory) {
                arguments += ["--symlink", target, directory]
            } else if fileManager.fileExists(atPath: directory) {
                arguments += ["--ro-bind", directory, directory]
            }
        }
        for file in ScriptSandbox.etcFiles where fileManager.fileExists(atPath: file) {
            arguments += ["--ro-bind", file, file]
        }
        arguments += [
            "--proc", "/proc", "--dev", "/dev", "--size", String(ScriptSandbox.sharedMemorySize), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", String(tmpSize), "--tmpfs", "/tmp",
        ]
        if let scriptDirectory { arguments += ["--ro-bind", scriptDirectory, ScriptSandbox.codeDirectory] }
        arguments += ["--remount-ro", "/", "--chdir", "/tmp", "--"]
        return arguments
    }
}

/// A value of `SKEIN_SCRIPT_SANDBOX` / `script_sandbox` that means nothing.
public struct ScriptSandboxSettingError: Error, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "\(ScriptSandbox.variable) (script_sandbox) must be bwrap (the default), off or the absolute path of bwrap, found '\(value)'"
    }
}

/// A message for the step's error (the caller adds which step).
struct ShapeFailureMessage: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The launchers that ran a sandbox successfully in this process.
private final class VerifiedSandboxes: @unchecked Sendable {
    static let shared = VerifiedSandboxes()
    private let lock = NSLock()
    private var launchers: Set<ScriptSandbox.Launcher> = []

    func contains(_ launcher: ScriptSandbox.Launcher) -> Bool { lock.withLock { launchers.contains(launcher) } }
    func insert(_ launcher: ScriptSandbox.Launcher) { _ = lock.withLock { launchers.insert(launcher) } }
}
