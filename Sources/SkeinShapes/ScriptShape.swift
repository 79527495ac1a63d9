import Foundation
public import SkeinCore
import SkeinJSON

/// `script`: transforms payloads with code — a JSONata script run natively, or a program in
/// Python, JavaScript (node) or any interpreter on the host, run as a child process.
///
/// ```yaml
/// - id: enrich
///   script:
///     language: python             # jsonata | python | node | an interpreter's absolute path (/usr/bin/ruby)
///     code: |
///       import json, sys
///       order = json.load(sys.stdin)
///       for line in order["line_items"]:
///           print(json.dumps({"order": order["order_number"], "sku": line["sku"]}))
///     timeout: 120s                # per payload (default 120s, at most 1h)
///     memory: 1GB                  # address-space limit of the process (default 1GB; node needs about 1GB)
///     output: lines                # lines (default): each non-empty stdout line is one JSON payload
///                                  # document: all of stdout is one JSON payload; text: one text/plain payload
/// ```
/// The contract, for every input payload: its bytes on **stdin**; zero or more payloads on
/// **stdout** (per `output`); **stderr** is shown on the step (as a warning when the script
/// succeeds); a **non-zero exit** fails the step with the end of stderr. The environment is
/// exactly `PATH`, `HOME` and `TMPDIR` (`/tmp`), `LANG`, `SKEIN_RUN_ID`, `SKEIN_FLOW_ID`,
/// `SKEIN_STEP_ID`, `SKEIN_PAYLOAD_INDEX` and `SKEIN_VARIABLES` (the flow variables as JSON) —
/// never Skein's own (credential keys, database passwords).
///
/// The process runs in a sandbox (`ScriptSandbox`): it sees only the system's programs and
/// libraries (read-only), its code at `/skein/script`, a private `/tmp` and its own processes —
/// not the data directory, the configuration or the network — as uid 65534; at the time limit
/// the sandbox and every process in it are killed. Without a working sandbox scripts are
/// refused, unless the operator set `SKEIN_SCRIPT_SANDBOX=off`.
///
/// With `language: jsonata`, `code` is a JSONata expression over each payload (with `$name` /
/// `$vars` for flow variables); an array result gives one payload per element (never a process).
public struct ScriptShape: ShapeKind {
    /// Where scripts in other languages run.
    public let sandbox: ScriptSandbox

    public init(sandbox: ScriptSandbox = .automatic) {
        self.sandbox = sandbox
    }
    public var type: String { "script" }
    public var summary: String { "Run JSONata, Python, node or any interpreter over each payload, with time and memory limits." }

    public static let defaultTimeout: Duration = .seconds(120)
    public static let maximumTimeout: Duration = .seconds(3600)
    public static let defaultMemory = 1 << 30

    enum Output: String, CaseIterable { case lines, document, text }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let language = settings.string("language", required: true)
        let code = settings.string("code", required: true)
        var timeout = ScriptShape.defaultTimeout
        if let value = settings.duration("timeout") {
            if value <= .zero || value > ScriptShape.maximumTimeout {
                settings.report("timeout", "must be more than 0 and at most \(DurationText.format(ScriptShape.maximumTimeout))")
            } else { timeout = value }
        }
        var memory = ScriptShape.defaultMemory
        if let raw = settings.raw("memory") {
            if let bytes = ByteSize.parse(raw), bytes >= 16 << 20 { memory = bytes } else {
                settings.report("memory", "expected a size of at least 16MB such as 256MB or 2GB, found \(raw.serialized())")
            }
        }
        let output = settings.string("output", allowed: Output.allCases.map(\.rawValue)).flatMap(Output.init(rawValue:)) ?? .lines
        guard let language, let code else { settings.finish(); return nil }
        if language == "jsonata" {
            let limits = ExpressionLimits.read(settings)
            settings.finish()
            guard let expression = ShapeExpression.compile(code, path: settings.childPath("code"), setting: "script.code", problems: settings.problems),
                  settings.problems.isEmpty else { return nil }
            return JSONataScript(expression: expression, limits: limits)
        }
        settings.finish()
        let interpreter: Interpreter
        switch language {
        case "python", "python3": interpreter = Interpreter(name: "python3", path: nil, arguments: ["-I"])
        case "node", "javascript": interpreter = Interpreter(name: "node", path: nil, arguments: [])
        case let path where path.hasPrefix("/"):
            if !sandbox.isOff && !ScriptSandbox.isVisible(path) {
                settings.report("language", "\(path) is outside what a sandboxed script can see (\(ScriptSandbox.systemDirectories.joined(separator: ", "))); "
                                + "use an interpreter installed under /usr (/usr/local works)")
                return nil
            }
            interpreter = Interpreter(name: path, path: path, arguments: [])
        default:
            settings.report("language", "'\(language)' is not jsonata, python, node or an interpreter's absolute path (e.g. /usr/bin/ruby)")
            return nil
        }
        guard settings.problems.isEmpty else { return nil }
        return ProcessScript(interpreter: interpreter, code: code, timeout: timeout, memory: memory, output: output, sandbox: sandbox)
    }

    struct JSONataScript: ShapeExecutor {
        let expression: ShapeExpression
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            for (index, payload) in input.enumerated() {
                switch try expression.evaluate(try payload.document(index: index), payloadIndex: index, limits: limits, context: context) {
                case nil: continue
                case .array(let elements)?: outputs += elements.map(Payload.init(json:))
                case let value?: outputs.append(Payload(json: value))
                }
            }
            return ShapeResult(outputs: outputs)
        }
    }
}

/// An interpreter by name (found on the host's PATH when the step runs) or absolute path.
struct Interpreter: Sendable {
    var name: String
    var path: String?
    var arguments: [String]

    /// Where a script looks for programs: the same PATH every script gets.
    static let searchPath = ["/usr/local/bin", "/usr/bin", "/bin"]

    func resolve() throws(ShapeFailure) -> String {
        if let path {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw ShapeFailure("interpreter \(path) is not an executable file on this host") }
            return path
        }
        for directory in Interpreter.searchPath where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw ShapeFailure("\(name) is not installed on this host (looked in \(Interpreter.searchPath.joined(separator: ", ")))")
    }
}

/// Sizes as people write them: `512MB`, `2GB`, `65536` (bytes).
enum ByteSize {
    static func parse(_ value: JSON) -> Int? {
        switch value {
        case .number(let number) where number >= 0 && number == number.rounded() && number < 9e15: return Int(number)
        case .string(let text):
            let units: [(String, Int)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
            let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
            for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
                if let amount = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), amount >= 0 {
                    return Int(amount * Double(scale))
                }
            }
            return Int(trimmed)
        default: return nil
        }
    }

    static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GB" }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MB" }
        return "\(bytes) bytes"
    }
}
