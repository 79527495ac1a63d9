/// One thing wrong with a flow file, with the path to where it is:
/// `shapes[3].map.fields.sku: unknown field 'skew'`.
public struct FlowProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A flow file that cannot be used, with every problem found (not just the first).
public struct FlowValidationError: Error, Sendable, CustomStringConvertible {
    public var source: String?
    public var problems: [FlowProblem]

    public init(source: String? = nil, problems: [FlowProblem]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        let header = "\(source.map { "\($0): " } ?? "")\(problems.count) problem\(problems.count == 1 ? "" : "s") in the flow"
        return ([header] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}

/// Collects problems while a flow is read, so validation reports all of them at once.
public final class ProblemList: @unchecked Sendable {
    // Used by one reader on one thread at a time; not shared across tasks.
    public private(set) var problems: [FlowProblem] = []

    public init() {}

    public func add(_ path: String, _ message: String) {
        problems.append(FlowProblem(path: path, message: message))
    }

    public var isEmpty: Bool { problems.isEmpty }
}
