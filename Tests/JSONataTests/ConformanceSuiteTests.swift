import Foundation
import JSONata
import SkeinJSON
import Testing

/// Runs the official JSONata test suite (testdata/jsonata-suite, a copy of jsonata-js's test
/// suite under its MIT licence; see its TESTSUITE.md and UPSTREAM_COMMIT).
///
/// Every case counts once. A case fails the test only if it is not listed in
/// `known-failures.txt` (`group/file[#index]  reason`), so the pass figure can only go up;
/// listed cases that now pass are reported so the list can be trimmed. Set
/// `JSONATA_WRITE_KNOWN_FAILURES=1` to rewrite the list from the current failures.
struct ConformanceSuiteTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let suiteDirectory =
        testsDirectory
        .appendingPathComponent("../../testdata/jsonata-suite").standardizedFileURL
    static let knownFailuresFile = testsDirectory.appendingPathComponent("known-failures.txt")

    struct Case {
        let id: String
        let group: String
        let body: JSON
        let directory: URL
    }

    enum Outcome {
        case pass
        case fail(String)
    }

    @Test func officialSuite() throws {
        let groupsDirectory = Self.suiteDirectory.appendingPathComponent("groups")
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: groupsDirectory.path) else {
            Issue.record("JSONata test suite not found at \(Self.suiteDirectory.path)")
            return
        }
        let cases = try Self.loadCases(groupsDirectory)
        #expect(cases.count > 1000)

        var datasets: [String: JSON] = [:]
        var perGroup: [String: (passed: Int, total: Int)] = [:]
        var failures: [(String, String)] = []
        let started = Date()
        for testCase in cases {
            let outcome = Self.run(testCase, datasets: &datasets)
            var tally = perGroup[testCase.group] ?? (0, 0)
            tally.total += 1
            switch outcome {
            case .pass: tally.passed += 1
            case .fail(let reason): failures.append((testCase.id, reason))
            }
            perGroup[testCase.group] = tally
        }
        let elapsed = Date().timeIntervalSince(started)

        for group in perGroup.keys.sorted() {
            let tally = perGroup[group]!
            print("  \(group): \(tally.passed)/\(tally.total)")
        }
        let passed = cases.count - failures.count
        let percent = Double(passed) * 100 / Double(cases.count)
        print("JSONata suite: \(passed)/\(cases.count) passed (\(String(format: "%.1f", percent))%) in \(String(format: "%.1f", elapsed))s")

        if ProcessInfo.processInfo.environment["JSONATA_WRITE_KNOWN_FAILURES"] != nil {
            var text = "# Conformance cases that do not pass yet: `group/file[#index]  reason`.\n"
            for (id, reason) in failures { text += "\(id)  \(reason.replacingOccurrences(of: "\n", with: " ").prefix(160))\n" }
            try text.write(to: Self.knownFailuresFile, atomically: true, encoding: .utf8)
            print("wrote \(failures.count) known failures")
            return
        }

        let known = Self.loadKnownFailures()
        let failing = Set(failures.map(\.0))
        for (id, reason) in failures where !known.contains(id) {
            Issue.record("\(id) regressed: \(reason)")
        }
        let fixed = known.subtracting(failing).sorted()
        if !fixed.isEmpty {
            print("Known failures that now pass (remove them from known-failures.txt):")
            for id in fixed { print("  \(id)") }
        }
    }

    static func loadKnownFailures() -> Set<String> {
        guard let text = try? String(contentsOf: knownFailuresFile, encoding: .utf8) else { return [] }
        var ids = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let id = line.split(separator: " ", maxSplits: 1).first { ids.insert(String(id)) }
        }
        return ids
    }

    static func loadCases(_ groupsDirectory: URL) throws -> [Case] {
        let fileManager = FileManager.default
        var cases: [Case] = []
        for group in try fileManager.contentsOfDirectory(atPath: groupsDirectory.path).sorted() {
            let directory = groupsDirectory.appendingPathComponent(group)
            let files = try fileManager.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
            for file in files {
                let data = try Data(contentsOf: directory.appendingPathComponent(file))
                let name = "\(group)/\(file.dropLast(5))"
                guard let json = (try? JSON(parsing: data)) ?? (try? Self.parseKeepingLoneSurrogates(data)) else {
                    cases.append(Case(id: name, group: group, body: .object(["unreadable": true]), directory: directory))
                    continue
                }
                if case .array(let items) = json {
                    for (index, item) in items.enumerated() {
                        cases.append(Case(id: "\(name)#\(index)", group: group, body: item, directory: directory))
                    }
                } else {
                    cases.append(Case(id: name, group: group, body: json, directory: directory))
                }
            }
        }
        return cases
    }

    /// Two cases hold a lone surrogate (`"\uD800"`) inside the expression text, which a Swift
    /// `String` cannot carry and SkeinJSON rejects. Escaping the backslash hands the expression
    /// the JSONata string escape `\uD800` instead, which denotes the same string.
    static func parseKeepingLoneSurrogates(_ data: Data) throws -> JSON {
        var text = String(decoding: data, as: UTF8.self)
        for prefix in ["d8", "d9", "da", "db", "dc", "dd", "de", "df", "D8", "D9", "DA", "DB", "DC", "DD", "DE", "DF"] {
            text = text.replacingOccurrences(of: "\\u" + prefix, with: "\\\\u" + prefix)
        }
        return try JSON(parsing: text)
    }

    static func run(_ testCase: Case, datasets: inout [String: JSON]) -> Outcome {
        let body = testCase.body
        var source = body["expr"]?.stringValue
        if source == nil, let file = body["expr-file"]?.stringValue {
            source = try? String(contentsOf: testCase.directory.appendingPathComponent(file), encoding: .utf8)
        }
        guard let source else { return .fail(body["unreadable"] != nil ? "case file is not valid JSON for SkeinJSON (lone surrogate)" : "no expression") }

        var input: JSON?
        if case .object(let members) = body, let data = members["data"] {
            input = data
        } else if let name = body["dataset"]?.stringValue {
            if let cached = datasets[name] {
                input = cached
            } else {
                let url = suiteDirectory.appendingPathComponent("datasets/\(name).json")
                guard let data = try? Data(contentsOf: url), let json = try? JSON(parsing: data) else {
                    return .fail("dataset \(name) missing")
                }
                datasets[name] = json
                input = json
            }
        }
        var bindings: [String: JSON] = [:]
        if case .object(let members)? = body["bindings"] {
            for (key, value) in members { bindings[key] = value }
        }
        // the reference implementation's own range limit (the suite tests ranges of 10,000,000)
        var limits = JSONataLimits(
            maxDepth: JSONataLimits.default.maxDepth, timeout: .seconds(10), maxItems: 10_000_000,
            maxBuiltBytes: 1024 * 1024 * 1024)
        if let depth = body["depth"]?.numberValue { limits.maxDepth = Int(depth) }
        if let time = body["timelimit"]?.numberValue { limits.timeout = .milliseconds(Int64(time)) }

        let expectedCode = body["code"]?.stringValue ?? body["error"]?["code"]?.stringValue
        let expectedToken = body["token"]?.stringValue ?? body["error"]?["token"]?.stringValue

        let result: JSON?
        do {
            let expression = try JSONataExpression(compiling: source)
            result = try expression.evaluate(input: input, bindings: bindings, limits: limits)
        } catch let error as JSONataError {
            guard let expectedCode else { return .fail("threw \(error)") }
            if error.code != expectedCode { return .fail("expected \(expectedCode), threw \(error)") }
            if let expectedToken, error.token != expectedToken {
                return .fail("expected token \(expectedToken), got \(error.token ?? "nil")")
            }
            return .pass
        } catch {
            return .fail("threw \(error)")
        }
        if let expectedCode { return .fail("expected error \(expectedCode), got \(result?.serialized() ?? "undefined")") }
        if body["undefinedResult"] != nil {
            return result == nil ? .pass : .fail("expected undefined, got \(result!.serialized())")
        }
        guard case .object(let members) = body, let expected = members["result"] else {
            return .fail("case has no expectation")
        }
        guard let result else { return .fail("expected \(expected.serialized()), got undefined") }
        let unordered = body["unordered"]?.boolValue ?? false
        return Self.same(result, expected, unordered: unordered)
            ? .pass : .fail("expected \(expected.serialized()), got \(result.serialized())")
    }

    /// JSON equality: numbers within a relative 1e-13, object members in any order, and array
    /// items in any order when the case says `unordered`.
    static func same(_ a: JSON, _ b: JSON, unordered: Bool = false) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x == y || abs(x - y) <= 1e-13 * max(abs(x), abs(y))
        case (.array(let xs), .array(let ys)):
            guard xs.count == ys.count else { return false }
            if unordered {
                var remaining = ys
                for x in xs {
                    guard let index = remaining.firstIndex(where: { same(x, $0) }) else { return false }
                    remaining.remove(at: index)
                }
                return true
            }
            return zip(xs, ys).allSatisfy { same($0, $1) }
        case (.object(let xs), .object(let ys)):
            guard xs.count == ys.count else { return false }
            for (key, value) in xs {
                guard let other = ys[key], same(value, other) else { return false }
            }
            return true
        default:
            return a == b
        }
    }
}
