/// Bounds on compiling and evaluating one expression, so hostile or runaway input fails with a
/// clear error instead of crashing the process, exhausting memory or running forever.
///
/// Every Skein front end — map, filter and assert shapes in flows, `skein expr`, the API's
/// `POST /api/v1/expr` and the web playground — starts from `JSONataLimits.default`; flows and
/// the expression endpoints may change the time and depth limits within their own maximums.
///
/// | Limit | Default | Error when exceeded |
/// | --- | --- | --- |
/// | `maxNesting`: nesting of the expression text | 500 levels | `S0230` at the position |
/// | `maxDepth`: nesting of evaluation | 1,000 levels | `U1001` (stack overflow) |
/// | `timeout`: time of one evaluation | 1 second | `U1001` (timeout) |
/// | `maxValueNesting`: nesting of arrays and objects built | 1,000 levels | `U1002` |
/// | `maxItems`: items in one sequence, array or object | 1,000,000 | `D2014` / `U1003` |
/// | `maxStringBytes`: UTF-8 bytes of one string built | 64 MiB | `U1004` |
/// | `maxBuiltBytes`: bytes of strings and arrays built by one evaluation, in all | 256 MiB | `U1005` |
///
/// ```swift
/// var limits = JSONataLimits.default
/// limits.timeout = .seconds(5)
/// let expression = try JSONataExpression(compiling: "$sum(lines.(qty * price))", limits: limits)
/// try expression.evaluate(input: order, limits: limits)
/// ```
public struct JSONataLimits: Sendable, Equatable {
    /// The deepest nesting of the expression text: operands inside operators, steps in a path,
    /// calls inside calls, constructors inside constructors, and so on. A chain such as
    /// `a + b + c` nests one level per operator, as it is evaluated that way.
    public var maxNesting: Int
    /// The deepest nesting of expression evaluations allowed (each node evaluated inside another
    /// counts one level, as do calls of functions from functions). Tail calls do not nest.
    public var maxDepth: Int
    /// The longest an evaluation may run, or `nil` for no limit.
    public var timeout: Duration?
    /// The deepest nesting of arrays and objects an evaluation may build (JSON input is at most
    /// 512 levels deep, so any input fits). Every later pass over a value (conversion to JSON,
    /// comparison, copying, and its release) recurses once per level.
    public var maxValueNesting: Int
    /// The most items one sequence, array or object may hold (the range operator is checked
    /// before it allocates anything). jsonata-js allows ranges of 10,000,000; Skein's default is
    /// lower so that a result, its JSON and its serialization fit comfortably in memory.
    public var maxItems: Int
    /// The largest string, in UTF-8 bytes, an operator or function may build.
    public var maxStringBytes: Int
    /// The most bytes of strings and array items one evaluation may build in all (strings count
    /// their UTF-8 bytes, array items their size in memory, 24 bytes each). A bound on the memory an evaluation can
    /// take, checked as values are built.
    public var maxBuiltBytes: Int

    public init(
        maxNesting: Int = 500, maxDepth: Int = 1000, timeout: Duration? = .seconds(1), maxValueNesting: Int = 1000, maxItems: Int = 1_000_000,
        maxStringBytes: Int = 64 * 1024 * 1024, maxBuiltBytes: Int = 256 * 1024 * 1024
    ) {
        self.maxNesting = maxNesting
        self.maxDepth = maxDepth
        self.timeout = timeout
        self.maxValueNesting = maxValueNesting
        self.maxItems = maxItems
        self.maxStringBytes = maxStringBytes
        self.maxBuiltBytes = maxBuiltBytes
    }

    /// Nesting 500, depth 1,000, one second, values nested 1,000 deep, a million items, 64 MiB
    /// strings and 256 MiB built in all. Independently of `maxDepth` and `maxNesting`, compiling and evaluating also stop
    /// before they would exhaust the current thread's native stack.
    public static let `default` = JSONataLimits()

    /// The largest evaluation depth a front end lets a user ask for.
    public static let maximumDepth = 10_000
}
