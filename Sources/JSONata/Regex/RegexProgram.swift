/// A compiled JavaScript regular expression: a small program for a backtracking matcher that
/// keeps its choice points on a heap stack (never the native stack, whatever the text length)
/// and reports every 1,024 steps to a `RegexBudget`, so the expression's time limit stops a
/// catastrophic pattern such as `(a|aa)*c` the same way it stops any other loop.
///
/// Backtracking, rather than a linear-time automaton, because JSONata's regexes are
/// JavaScript's: backreferences, lookaround and JavaScript's leftmost-first choice of match
/// need it.
final class RegexProgram: @unchecked Sendable {
    enum Instruction {
        case char(UInt16)
        /// A code unit compared after case folding.
        case foldedChar(UInt16)
        case any
        case set(Int)
        /// Try `first`; on failure, come back and try `second`.
        case split(first: Int, second: Int)
        case jump(Int)
        /// Records the position in capture slot `n` (group g has slots 2g and 2g+1).
        case save(Int)
        /// Clears capture slots `from..<to` (captures inside a repeated group, at each repetition).
        case clear(from: Int, to: Int)
        /// Records the position in loop register `n`...
        case mark(Int)
        /// ...and fails when the repetition since `mark(n)` matched nothing.
        case progress(Int)
        case lineStart
        case lineEnd
        case wordBoundary(negated: Bool)
        case backReference(Int)
        /// Runs sub-program `n` at the current position without moving it.
        case look(Int, negated: Bool)
        case match
    }

    struct Program {
        var instructions: [Instruction] = []
        /// Matches right to left (a lookbehind's body).
        var backward = false
    }

    let source: String
    let ignoreCase: Bool
    let multiline: Bool
    let captureCount: Int
    private(set) var programs: [Program] = []
    private(set) var sets: [RegexCharSet] = []
    private var registerCount = 0
    /// The code unit every match starts with, when there is one (lets the search skip ahead).
    private var firstUnit: UInt16?

    /// The most instructions a compiled pattern may have (`a{1000}{1000}` would be a million).
    static let maximumInstructions = 100_000
    /// The most choice points one match attempt may hold (12 bytes each).
    static let maximumBacktrack = 4_000_000

    /// Compiles `pattern` with JSONata's flags (`i`, `m`).
    init(pattern: String, ignoreCase: Bool, multiline: Bool) throws(RegexSyntaxError) {
        source = pattern
        self.ignoreCase = ignoreCase
        self.multiline = multiline
        let (tree, captures) = try RegexParser.parse(pattern)
        captureCount = captures
        programs.append(Program())
        var main = Program()
        try emit(tree, into: &main)
        main.instructions.append(.match)
        programs[0] = main
        if !ignoreCase, case .char(let unit)? = main.instructions.first { firstUnit = unit }
    }

    // MARK: - Compiling

    private func append(_ instruction: Instruction, to program: inout Program) throws(RegexSyntaxError) {
        if program.instructions.count >= Self.maximumInstructions {
            throw RegexSyntaxError(reason: "pattern too large once repetitions are expanded (more than \(Self.maximumInstructions) steps)")
        }
        program.instructions.append(instruction)
    }

    private func emit(_ node: RegexNode, into program: inout Program) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .char(let unit):
            if ignoreCase {
                try append(.foldedChar(RegexCase.canonical(unit)), to: &program)
            } else {
                try append(.char(unit), to: &program)
            }
        case .any:
            try append(.any, to: &program)
        case .set(let set):
            sets.append(set)
            try append(.set(sets.count - 1), to: &program)
        case .sequence(let nodes):
            for item in program.backward ? nodes.reversed() : nodes { try emit(item, into: &program) }
        case .alternation(let nodes):
            // split(a, next) a jump(end) next: split(b, next2) b jump(end) ... last
            var jumps: [Int] = []
            for (index, alternative) in nodes.enumerated() {
                if index < nodes.count - 1 {
                    let split = program.instructions.count
                    try append(.split(first: split + 1, second: -1), to: &program)
                    try emit(alternative, into: &program)
                    jumps.append(program.instructions.count)
                    try append(.jump(-1), to: &program)
                    program.instructions[split] = .split(first: split + 1, second: program.instructions.count)
                } else {
                    try emit(alternative, into: &program)
                }
            }
            for jump in jumps { program.instructions[jump] = .jump(program.instructions.count) }
        case .group(let inner, let capture):
            guard let capture else {
                try emit(inner, into: &program)
                return
            }
            // right to left, the group's end is met first
            try append(.save(program.backward ? capture * 2 + 1 : capture * 2), to: &program)
            try emit(inner, into: &program)
            try append(.save(program.backward ? capture * 2 : capture * 2 + 1), to: &program)
        case .quantified(let inner, let minimum, let maximum, let greedy):
            try emitRepetition(inner, minimum: minimum, maximum: maximum, greedy: greedy, into: &program)
        case .lineStart:
            try append(.lineStart, to: &program)
        case .lineEnd:
            try append(.lineEnd, to: &program)
        case .wordBoundary(let negated):
            try append(.wordBoundary(negated: negated), to: &program)
        case .backReference(let group):
            try append(.backReference(group), to: &program)
        case .look(let inner, let ahead, let negated):
            var sub = Program()
            sub.backward = !ahead
            try emit(inner, into: &sub)
            sub.instructions.append(.match)
            programs.append(sub)
            try append(.look(programs.count - 1, negated: negated), to: &program)
        }
    }

    /// `x{min,max}`: `min` copies of x, then optional copies (or a loop when unbounded). Each
    /// optional repetition clears the captures inside x and must consume something.
    private func emitRepetition(
        _ inner: RegexNode, minimum: Int, maximum: Int?, greedy: Bool,
        into program: inout Program
    ) throws(RegexSyntaxError) {
        let captures = inner.captureRange
        func clear() throws(RegexSyntaxError) {
            if let captures { try append(.clear(from: captures.lowerBound * 2, to: captures.upperBound * 2 + 2), to: &program) }
        }
        if minimum > Self.maximumInstructions || (maximum ?? 0) > Self.maximumInstructions {
            throw RegexSyntaxError(reason: "repetition count too large")
        }
        for _ in 0..<minimum {
            try clear()
            try emit(inner, into: &program)
        }
        if let maximum {
            // x? nested: split(body, end) body split(body2, end) body2 ... end
            var splits: [Int] = []
            for _ in minimum..<maximum {
                splits.append(program.instructions.count)
                try append(.split(first: -1, second: -1), to: &program)
                let register = registerCount
                registerCount += 1
                try append(.mark(register), to: &program)
                try clear()
                try emit(inner, into: &program)
                try append(.progress(register), to: &program)
            }
            let end = program.instructions.count
            for split in splits {
                program.instructions[split] = greedy ? .split(first: split + 1, second: end) : .split(first: end, second: split + 1)
            }
        } else {
            // loop: split(body, end) body jump(loop) end
            let loop = program.instructions.count
            try append(.split(first: -1, second: -1), to: &program)
            let register = registerCount
            registerCount += 1
            try append(.mark(register), to: &program)
            try clear()
            try emit(inner, into: &program)
            try append(.progress(register), to: &program)
            try append(.jump(loop), to: &program)
            let end = program.instructions.count
            program.instructions[loop] = greedy ? .split(first: loop + 1, second: end) : .split(first: end, second: loop + 1)
        }
    }

    // MARK: - Matching

    /// A match: the whole match's range and each group's (nil when the group did not take part).
    struct Match {
        let range: Range<Int>
        let groups: [Range<Int>?]
    }

    /// Finds the first match starting at or after `from` in `text` (UTF-16 code units).
    func firstMatch(in text: [UInt16], from: Int, budget: inout RegexBudget) throws(RegexBudget.Exceeded) -> Match? {
        guard from <= text.count else { return nil }
        var matcher = Matcher(regex: self, text: text)
        var start = from
        while start <= text.count {
            if let firstUnit {
                while start < text.count && text[start] != firstUnit { start += 1 }
                if start >= text.count { return nil }
            }
            if try matcher.run(program: 0, at: start, budget: &budget) {
                let slots = matcher.slots
                var groups: [Range<Int>?] = []
                for group in 0..<captureCount {
                    let open = slots[(group + 1) * 2], close = slots[(group + 1) * 2 + 1]
                    groups.append(open >= 0 && close >= open ? open..<close : nil)
                }
                return Match(range: start..<matcher.position, groups: groups)
            }
            start += 1
        }
        return nil
    }

    fileprivate var registers: Int { registerCount }
}

/// Counts matcher steps, asking `check` every 1,024 (the evaluator checks its clock there).
struct RegexBudget {
    struct Exceeded: Error {
        let error: EvalError
    }

    private var steps = 0
    let check: () throws(EvalError) -> Void

    init(check: @escaping () throws(EvalError) -> Void) { self.check = check }

    @inline(__always)
    mutating func step() throws(Exceeded) {
        steps &+= 1
        if steps & 0x3FF == 0 {
            do { try check() } catch { throw Exceeded(error: error) }
        }
    }
}

/// One matching run's state. Choice points and undo records share one heap stack.
private struct Matcher {
    let regex: RegexProgram
    let text: [UInt16]
    var slots: [Int]
    var registers: [Int]
    var position = 0

    /// What to do when backtracking reaches an entry: resume at `pc` with `value` as the
    /// position (a choice point), or restore slot or register `pc` to `value`.
    struct Entry {
        var kind: Int32
        var pc: Int32
        var value: Int32
        static let choice: Int32 = 0, slot: Int32 = 1, register: Int32 = 2
    }
    var stack: [Entry] = []

    init(regex: RegexProgram, text: [UInt16]) {
        self.regex = regex
        self.text = text
        slots = Array(repeating: -1, count: (regex.captureCount + 1) * 2)
        registers = Array(repeating: -1, count: regex.registers)
    }

    private func isWord(_ index: Int) -> Bool {
        guard index >= 0 && index < text.count else { return false }
        return RegexCharSet.word.containsRaw(text[index])
    }

    private func isLineTerminator(_ unit: UInt16) -> Bool {
        unit == 0x0A || unit == 0x0D || unit == 0x2028 || unit == 0x2029
    }

    private mutating func push(_ kind: Int32, _ pc: Int, _ value: Int) throws(RegexBudget.Exceeded) {
        if stack.count >= RegexProgram.maximumBacktrack {
            throw RegexBudget.Exceeded(
                error: failure(
                    "U1005",
                    "The regular expression /\(regex.source.prefix(100))/ needs more than \(RegexProgram.maximumBacktrack) backtracking positions to match this text"
                ))
        }
        stack.append(Entry(kind: kind, pc: Int32(truncatingIfNeeded: pc), value: Int32(truncatingIfNeeded: value)))
    }

    /// Runs `program` from `start`; on success `position` is where the match ended and the
    /// captures are in `slots` (with their undo records left on the stack for an enclosing
    /// run). On failure everything it changed is undone.
    mutating func run(program index: Int, at start: Int, budget: inout RegexBudget) throws(RegexBudget.Exceeded) -> Bool {
        let program = regex.programs[index]
        let instructions = program.instructions
        let backward = program.backward
        let base = stack.count
        var pc = 0
        var at = start
        if index == 0 {
            slots[0] = start
        }
        while true {
            try budget.step()
            var ok = true
            switch instructions[pc] {
            case .char(let unit):
                if backward {
                    if at > 0 && text[at - 1] == unit { at -= 1; pc += 1 } else { ok = false }
                } else {
                    if at < text.count && text[at] == unit { at += 1; pc += 1 } else { ok = false }
                }
            case .foldedChar(let unit):
                let index = backward ? at - 1 : at
                if index >= 0 && index < text.count && RegexCase.canonical(text[index]) == unit {
                    at += backward ? -1 : 1
                    pc += 1
                } else {
                    ok = false
                }
            case .any:
                let index = backward ? at - 1 : at
                if index >= 0 && index < text.count && !isLineTerminator(text[index]) {
                    at += backward ? -1 : 1
                    pc += 1
                } else {
                    ok = false
                }
            case .set(let set):
                let index = backward ? at - 1 : at
                if index >= 0 && index < text.count && regex.sets[set].matches(text[index], ignoreCase: regex.ignoreCase) {
                    at += backward ? -1 : 1
                    pc += 1
                } else {
                    ok = false
                }
            case .split(let first, let second):
                try push(Entry.choice, second, at)
                pc = first
            case .jump(let target):
                pc = target
            case .save(let slot):
                try push(Entry.slot, slot, slots[slot])
                slots[slot] = at
                pc += 1
            case .clear(let from, let to):
                for slot in from..<to where slots[slot] != -1 {
                    try push(Entry.slot, slot, slots[slot])
                    slots[slot] = -1
                }
                pc += 1
            case .mark(let register):
                try push(Entry.register, register, registers[register])
                registers[register] = at
                pc += 1
            case .progress(let register):
                if registers[register] == at { ok = false } else { pc += 1 }
            case .lineStart:
                if at == 0 || (regex.multiline && isLineTerminator(text[at - 1])) { pc += 1 } else { ok = false }
            case .lineEnd:
                if at == text.count || (regex.multiline && isLineTerminator(text[at])) { pc += 1 } else { ok = false }
            case .wordBoundary(let negated):
                if (isWord(at - 1) != isWord(at)) != negated { pc += 1 } else { ok = false }
            case .backReference(let group):
                let open = slots[group * 2], close = slots[group * 2 + 1]
                if open < 0 || close < open {
                    pc += 1  // a group that did not take part matches the empty string
                    break
                }
                let length = close - open
                let from = backward ? at - length : at
                if from < 0 || from + length > text.count {
                    ok = false
                    break
                }
                for offset in 0..<length {
                    let a = text[open + offset], b = text[from + offset]
                    if a != b && !(regex.ignoreCase && RegexCase.canonical(a) == RegexCase.canonical(b)) {
                        ok = false
                        break
                    }
                }
                if ok {
                    at = backward ? from : from + length
                    pc += 1
                }
            case .look(let sub, let negated):
                let saved = at
                let lookBase = stack.count
                let found = try run(program: sub, at: at, budget: &budget)
                if found {
                    // a lookaround is atomic: drop its choice points, keep its undo records
                    // (or undo them all when it was negative)
                    if negated {
                        unwind(to: lookBase)
                        ok = false
                    } else {
                        var kept = lookBase
                        for index in lookBase..<stack.count where stack[index].kind != Entry.choice {
                            stack[kept] = stack[index]
                            kept += 1
                        }
                        stack.removeSubrange(kept...)
                        pc += 1
                    }
                } else {
                    if negated { pc += 1 } else { ok = false }
                }
                at = saved
            case .match:
                position = at
                if index == 0 { slots[1] = at }
                return true
            }
            if ok { continue }
            // backtrack: undo records until a choice point
            while true {
                guard stack.count > base else { return false }
                let entry = stack.removeLast()
                switch entry.kind {
                case Entry.choice:
                    pc = Int(entry.pc)
                    at = Int(entry.value)
                case Entry.slot:
                    slots[Int(entry.pc)] = Int(entry.value)
                    continue
                default:
                    registers[Int(entry.pc)] = Int(entry.value)
                    continue
                }
                break
            }
        }
    }

    /// Undoes every record above `base` and drops its choice points.
    private mutating func unwind(to base: Int) {
        while stack.count > base {
            let entry = stack.removeLast()
            switch entry.kind {
            case Entry.slot: slots[Int(entry.pc)] = Int(entry.value)
            case Entry.register: registers[Int(entry.pc)] = Int(entry.value)
            default: break
            }
        }
    }
}
