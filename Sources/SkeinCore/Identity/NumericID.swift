/// An id a store hands out as a number, typed by what it names, so a run id cannot be passed
/// where a sync entry id is expected (both are 64-bit integers underneath).
///
/// Ids stay plain integers everywhere outside Swift: in the database, in JSON (`"id": 42`), on
/// the command line and in URLs. `rawValue` is that integer; `description` prints it unchanged.
/// Literals work (`let id: RunID = 7`), which keeps tests readable.
public protocol NumericID: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral,
    LosslessStringConvertible
where RawValue == Int64, IntegerLiteralType == Int64 {
    init(rawValue: Int64)
}

extension NumericID {
    public init(_ rawValue: Int64) { self.init(rawValue: rawValue) }

    public init(integerLiteral value: Int64) { self.init(rawValue: value) }

    /// Reads the decimal digits of an id (a URL segment, a command-line argument).
    public init?(_ description: String) {
        guard let value = Int64(description) else { return nil }
        self.init(rawValue: value)
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A run's id.
public struct RunID: NumericID {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// A sync report entry's id (the "sync id" people search for).
public struct SyncEntryID: NumericID {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// One step of one run: the run and the step's sequence in it (1 = the first step the run
/// executed; 0 addresses the run's input payloads). Payloads are stored per step.
public struct StepID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var run: RunID
    public var sequence: Int

    public init(run: RunID, sequence: Int) {
        self.run = run
        self.sequence = sequence
    }

    /// The run's input payloads, stored as if produced by a step 0.
    public static func input(of run: RunID) -> StepID { StepID(run: run, sequence: 0) }

    public static func < (lhs: StepID, rhs: StepID) -> Bool { (lhs.run, lhs.sequence) < (rhs.run, rhs.sequence) }

    /// `run 12 step 3`.
    public var description: String { "run \(run) step \(sequence)" }
}
