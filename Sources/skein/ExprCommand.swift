import ArgumentParser
import Foundation
import JSONata
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `skein expr`: tries a JSONata expression — the language of map, filter and assert shapes —
/// against a file, standard input or a payload a run stored, before it goes into a flow.
struct ExprCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expr",
        abstract: "Evaluate a JSONata expression against a JSON document or a stored payload.",
        discussion: """
            Prints the result as JSON. Exit status: 0 with a result, 2 when the expression is \
            malformed or fails (code, message and a caret under the position), 3 when the \
            result is undefined (0 with --undefined-ok), 1 for anything else.

              skein expr '$sum(line_items.(quantity * price))' --input order.json
              cat order.json | skein expr 'line_items[quantity > 1].sku' --input -
              skein expr 'customer.email' --run 12 --step each-order --index 3
            """)

    @Argument(help: "The JSONata expression.") var expression: String
    @Option(help: "A JSON file to evaluate against, or - for standard input.") var input: String?
    @Option(help: "A JSON file holding an object of variables, available as $name.") var bindings: String?
    @Option(name: .customLong("run"), help: "Evaluate against a payload stored by this run...") var runID: RunID?
    @Option(help: "...produced by this step (shape id, step number or 'input').") var step: String?
    @Option(help: "...at this index (from 0).") var index: Int = 0
    @Flag(help: "Exit 0 (printing nothing) when the result is undefined.") var undefinedOk = false
    @Option(help: "Stop the evaluation after this many milliseconds.") var timeoutMs: Int = Self.defaultTimeoutMs
    @Option(help: "The deepest nesting of evaluation allowed.") var depth: Int = JSONataLimits.default.maxDepth
    @OptionGroup var options: DataOptions

    /// The exit status for a malformed or failing expression.
    static let expressionFailed: Int32 = 2
    /// The exit status for an undefined result (unless --undefined-ok).
    static let undefinedResult: Int32 = 3
    static let defaultTimeoutMs = Int((JSONataLimits.default.timeout ?? .seconds(1)).components.seconds * 1000)

    func validate() throws {
        if input != nil && runID != nil { throw ValidationError("give --input or --run, not both") }
        if (runID == nil) != (step == nil) { throw ValidationError("--run and --step go together") }
        if timeoutMs <= 0 { throw ValidationError("--timeout-ms must be positive") }
        if depth < 1 { throw ValidationError("--depth must be positive") }
    }

    func run() async throws {
        let compiled: JSONataExpression
        // the limits every front end shares, with this command's time and depth
        var limits = JSONataLimits.default
        limits.maxDepth = depth
        limits.timeout = .milliseconds(timeoutMs)
        do { compiled = try JSONataExpression(compiling: expression, limits: limits) } catch { throw report(error) }
        let document = try await readInput()
        let variables = try readBindings()
        // $lookup reads the tables it names (read only); an expression without one opens no store for them.
        let references = LookupReferences(scanning: expression)
        let lookups = references.isEmpty ? RunLookups.none : try await options.operations().1.lookups.forExpression(options.caller, expression)
        let result: JSON?
        do { result = try compiled.evaluate(input: document, bindings: variables, functions: lookups.functions, limits: limits) } catch { throw report(error) }
        guard let result else {
            if undefinedOk { return }
            printError("the result is undefined (nothing matched); --undefined-ok makes this exit 0")
            throw ExitCode(Self.undefinedResult)
        }
        let pretty = !options.json && isatty(STDOUT_FILENO) == 1
        print(result.serialized(pretty ? .pretty : .compact))
    }

    /// Prints an expression error — code, message, position and a caret under it — and returns
    /// the exit status to throw.
    func report(_ error: any Error) -> ExitCode {
        guard let error = error as? JSONataError else {
            printError("error: \(error)")
            return ExitCode(Self.expressionFailed)
        }
        if options.json {
            var object: JSON.Object = ["code": .string(error.code), "message": .string(error.message)]
            if let position = error.position { object["position"] = .number(Double(position)) }
            print(JSON.object(["error": .object(object)]).serialized())
        }
        printError("error: JSONata \(error)")
        if let caret = error.caret(in: expression) { printError(caret) }
        return ExitCode(Self.expressionFailed)
    }

    func readInput() async throws -> JSON? {
        if let input {
            let bytes = try InputBytes.read(input)
            do { return try JSON(parsing: bytes) } catch {
                throw CLIError("\(input == "-" ? "standard input" : input): \(error)")
            }
        }
        guard let run = runID, let step else { return nil }
        let payload = try await options.operations().1.runs.payload(options.caller, run: run, step: step, index: index).payload
        do { return try payload.json() } catch {
            throw CLIError("payload \(index) of step '\(step)' of run \(run): \(error)")
        }
    }

    func readBindings() throws -> [String: JSON] {
        guard let bindings else { return [:] }
        guard let data = FileManager.default.contents(atPath: bindings) else { throw CLIError("cannot read \(bindings)") }
        let document: JSON
        do { document = try JSON(parsing: Array(data)) } catch { throw CLIError("\(bindings): \(error)") }
        guard case .object(let members) = document else {
            throw CLIError("\(bindings): expected an object of variables such as {\"rate\": 1.2}, found \(document.typeName)")
        }
        return Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
    }
}
