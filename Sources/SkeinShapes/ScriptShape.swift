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

    public static let defaultTimeout: Duration = .seconds(120)
    public static let maximumTimeout: Duration = .seconds(3600)
    public static let defaultMemory = 1 << 30

    enum Output: String, CaseIterable { case lines, document, text }

    static let languageCheck = TextCheck { language in
        ["jsonata", "python", "python3", "node", "javascript"].contains(language) || language.hasPrefix("/")
            ? nil : "'\(language)' is not jsonata, python, node or an interpreter's absolute path (e.g. /usr/bin/ruby)"
    }

    public static let spec = ShapeSpec(
        type: "script", category: .code,
        summary: "Run JSONata, Python, node or any interpreter over each payload, with time and memory limits.",
        help: "For every payload one process: the payload's bytes on stdin, payloads on stdout (per `output`), stderr shown on the step, "
            + "a non-zero exit fails the step. It starts in an empty temporary directory with a minimal environment and never sees "
            + "Skein's own (credential keys, database passwords); at its time limit its whole process group is killed. "
            + "With `language: jsonata`, `code` is a JSONata expression over each payload and an array result gives one payload per element.",
        settings: ObjectSpec(
            [
                FieldSpec(
                    "language", .string(TextRules(check: languageCheck)), required: true,
                    help: "`jsonata`, `python` (runs `python3 -I`), `node`, or an interpreter's absolute path (`/usr/bin/ruby`)."),
                FieldSpec("code", .string, required: true, help: "The program (or, for jsonata, the expression)."),
                FieldSpec(
                    "timeout", .duration(.positive(atMost: maximumTimeout)), default: .duration(defaultTimeout),
                    help: "Per payload; at the limit the process group is killed and the step fails."),
                FieldSpec(
                    "memory", .byteSize(minimum: 16 << 20), default: "1GB",
                    help: "The process's address-space limit (`ulimit -v`); node needs about 1GB."),
                FieldSpec(
                    "output",
                    .choice([
                        Choice("lines", help: "Each non-empty stdout line is one JSON payload."),
                        Choice("document", help: "All of stdout is one JSON payload."),
                        Choice("text", help: "Stdout is one text/plain payload."),
                    ]), default: .string(Output.lines.rawValue), help: "How stdout becomes payloads."),
                ExpressionLimits.field,
            ],
            rules: [
                .onlyWhen("limits", .equals("language", "jsonata"), message: "applies to language: jsonata only (other languages have timeout: and memory:)"),
                .check(
                    ObjectCheck("With `language: jsonata`, `code` must be a valid JSONata expression.") { settings in
                        guard settings.optional.string("language") == "jsonata", let code = settings.optional.string("code") else { return }
                        _ = ShapeExpression.compile(code, path: settings.childPath("code"), setting: "script.code", problems: settings.problems)
                    }),
            ]),
        example: """
            - id: one-per-line-item
              script:
                language: python
                code: |
                  import json, sys
                  order = json.load(sys.stdin)
                  for line in order["line_items"]:
                      print(json.dumps({"order": order["order_number"], "sku": line["sku"]}))
                timeout: 120s
                memory: 1GB
                output: lines
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let language = settings.string("language")
        let code = settings.string("code")
        if language == "jsonata" {
            guard let expression = ShapeExpression.compile(code, path: settings.childPath("code"), setting: "script.code", problems: settings.problems)
            else { return nil }
            return JSONataScript(expression: expression, limits: ExpressionLimits(settings.optional.object("limits")))
        }
        let interpreter: Interpreter
        switch language {
        case "python", "python3": interpreter = Interpreter(name: "python3", path: nil, arguments: ["-I"])
        case "node", "javascript": interpreter = Interpreter(name: "node", path: nil, arguments: [])
        case let path where path.hasPrefix("/"):
            if !sandbox.isOff && !ScriptSandbox.isVisible(path) {
                settings.report(
                    "language",
                    "\(path) is outside what a sandboxed script can see (\(ScriptSandbox.systemDirectories.joined(separator: ", "))); "
                        + "use an interpreter installed under /usr (/usr/local works)")
                return nil
            }
            interpreter = Interpreter(name: path, path: path, arguments: [])
        default:
            return nil  // the spec's language check refused it already
        }
        return ProcessScript(
            interpreter: interpreter, code: code, timeout: settings.duration("timeout"), memory: settings.bytes("memory"),
            output: Output(rawValue: settings.string("output")) ?? .lines, sandbox: sandbox)
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
