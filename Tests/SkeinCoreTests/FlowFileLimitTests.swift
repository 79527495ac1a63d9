import Foundation
import SkeinCore
import SkeinJSON
import Testing

/// Flow files come from builders and must not be able to take the server's memory or stack:
/// anchors and aliases are refused before anything is expanded, nesting and size are bounded,
/// and every refusal names where it is.
@Suite struct FlowFileLimitTests {
    /// 8 levels of 10 aliases each: 10^8 strings once expanded (the issue's 587-byte bomb).
    static let aliasBomb: String = {
        var lines = [
            "id: bomb", "shapes:", "  - id: data", "    payload:", "      json:",
            "        l0: &l0 [x, x, x, x, x, x, x, x, x, x]",
        ]
        for level in 1...8 {
            let refs = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("        l\(level): &l\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    func problems(_ text: String) -> [FlowProblem] {
        do {
            _ = try FlowFile.decode(text)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func anAliasBombIsRefusedAtItsFirstAnchorWithoutExpandingIt() throws {
        #expect(Self.aliasBomb.utf8.count < 700)
        let found = problems(Self.aliasBomb)
        #expect(found.count == 1)
        #expect(found.first?.path == "shapes[0].payload.json.l0")
        #expect(found.first?.message == "line 6, column 13: YAML anchors (&l0) are not supported in flow files; write the value out where it is used")
    }

    @Test func aliasesAndAnchorsAnywhereAreRefusedWithTheirPlace() {
        let alias = "id: a\nshapes:\n  - id: s\n    split: { path: *p }\n"
        #expect(
            problems(alias).map(\.description) == [
                "shapes[0].split.path: line 4, column 20: YAML aliases (*p) are not supported in flow files; write the value out"
            ])
        let anchoredKey = "id: a\nshapes:\n  - &first id: s\n    split: { path: orders }\n"
        #expect(problems(anchoredKey).first?.message.contains("YAML anchors (&first)") == true)
        // An alias used as a mapping key: Yams would hash the whole expanded node for its duplicate check.
        let aliasKey = "id: a\nk: &big [1, 2]\nm: { ? *big : 1 }\n"
        #expect(problems(aliasKey).first?.message.contains("YAML anchors (&big)") == true)
        // Plain text that merely contains & and * is still text.
        let text = "id: a\nshapes:\n  - id: s\n    map: { transform: 'price * qty & \"x\"' }\n"
        #expect(problems(text).isEmpty)
    }

    @Test func nestingIsBoundedInYAMLAndJSON() {
        let deepYAML = "id: deep\nx: " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "\n"
        let yamlProblem = problems(deepYAML).first
        #expect(yamlProblem?.message.hasSuffix("nested more than \(FlowFile.maximumDepth) levels deep") == true)
        #expect(yamlProblem?.path.hasPrefix("x[0][0][0]") == true)
        let deepJSON = #"{"id": "deep", "x": "# + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "}"
        #expect(problems(deepJSON).first?.message.contains("deep") == true)
        // A stack-breaking depth is refused just the same (libyaml's own limit is 1000).
        let abyss = "x: " + String(repeating: "[", count: 200_000)
        #expect(!problems(abyss).isEmpty)
        // Ordinary nesting (a flow with route branches) is far below the limit.
        let nested =
            "id: n\nshapes:\n  - id: s\n    payload: { json: " + String(repeating: "{a: ", count: 40) + "1" + String(repeating: "}", count: 40) + " }\n"
        #expect(problems(nested).isEmpty)
    }

    @Test func theNumberOfValuesIsBounded() {
        let many = "id: many\nx: [" + Array(repeating: "1", count: FlowFile.maximumNodes + 10).joined(separator: ",") + "]\n"
        let found = problems(many)
        #expect(found.count == 1)
        #expect(found.first?.message.hasSuffix("the flow file has more than \(FlowFile.maximumNodes) values") == true)
        #expect(found.first?.path.hasPrefix("x[") == true)
    }

    @Test func syntaxErrorsAreStillReportedByTheYAMLReader() {
        let found = problems("id: x\nshapes:\n  - id: a\n    split: {path: [\n")
        #expect(found.first?.message.hasPrefix("invalid YAML: line") == true)
    }
}
