import SkeinCore
import Testing

@Suite struct FlowProblemLineTests {
    static let yaml = """
        # a comment on line 1
        id: orders
        shapes:
          - id: first
            map:
              fields:
                customer.email: email
          - id: second
            assert: { condition: 'true', mesage: x }
        """

    func line(_ path: String, _ message: String = "bad", in text: String = yaml) -> Int? {
        FlowProblemLine.lines(of: [FlowProblem(path: path, message: message)], in: text)[0]
    }

    @Test func aProblemIsOnTheLineOfItsKey() {
        #expect(line("shapes[1].assert.mesage") == 9)
        #expect(line("id") == 2)
        #expect(line("shapes[0].map.fields.customer.email") == 7, "a key with a dot is matched whole")
    }

    @Test func aMissingFieldIsOnTheNearestPartThatExists() {
        #expect(line("shapes[0].map.fields.nothing") == 6)
        #expect(line("shapes[5].map") == 3, "an index past the end stops at the list")
        #expect(line("") == 1 || line("") == 2)
    }

    @Test func aLineInTheMessageWins() {
        #expect(line("", "invalid YAML: line 4, column 2: did not find expected key") == 4)
        #expect(line("shapes", "line 12, column 1: YAML aliases are not supported") == 12)
    }

    @Test func jsonIsLocatedLikeYAML() {
        let json = "{\n  \"id\": \"j\",\n  \"shapes\": [\n    {\"id\": \"a\", \"oops\": 1}\n  ]\n}"
        #expect(line("shapes[0].oops", in: json) == 4)
    }

    @Test func textThatIsNotYAMLHasNoLine() {
        #expect(line("id", in: "id: [unclosed") == nil)
    }
}
