import SkeinCore
import SkeinJSON
import Testing

/// The spec-driven reader on small specs: what it accepts, what it reports and where.
@Suite struct SpecValidatorTests {
    let spec = ObjectSpec(
        [
            FieldSpec("name", .string, required: true, help: "A name."),
            FieldSpec("size", .integer(1...10), default: 3, help: "A size."),
            FieldSpec("mode", .choice(["fast", "safe"]), default: "safe", help: "A mode."),
            FieldSpec("wait", .duration(.positive(atMost: .seconds(60))), help: "A wait."),
            FieldSpec("when", .expression, help: "An expression."),
            FieldSpec("tags", .list(.string(TextRules(nonEmpty: true)), minimum: 1, tooFew: "give at least one tag"), help: "Tags."),
            FieldSpec("limit", .anyOf([.choice([Choice("none")]), .integer(1...100)]), help: "A limit."),
            FieldSpec("extra", .object([FieldSpec("deep", .boolean, required: true, help: "Deep.")]), help: "Nested."),
        ],
        rules: [
            .onlyWhen("wait", .equals("mode", "safe"), message: "applies to mode: safe only"),
            .requiredWhen("when", .equals("mode", "fast"), message: "required when mode: fast"),
        ])

    func read(_ settings: JSON) -> (ValidSettings, [String]) {
        let problems = ProblemList()
        let valid = SpecValidator(problems: problems).object(settings, spec, path: "shapes[0].test", setting: "test")
        return (valid!, problems.problems.map(\.description))
    }

    @Test func defaultsAreFilledInAndWrittenValuesKept() {
        let (settings, problems) = read(["name": "a", "tags": ["x"], "when": "total > 1"])
        #expect(problems == [])
        #expect(settings.int("size") == 3)
        #expect(settings.string("mode") == "safe")
        #expect(settings.optional.duration("wait") == nil)
        #expect(settings.has("name") && !settings.has("size"))
        #expect(settings.expression("when").source == "total > 1")
    }

    @Test func everyProblemIsReportedWithItsPathInOnePass() {
        let (_, problems) = read([
            "size": 11, "mode": "quick", "wait": "forever", "when": "total >", "tags": [], "limit": "lots",
            "extra": ["deep": "yes", "deeper": 1], "colour": "red",
        ])
        #expect(problems.contains("shapes[0].test.name: required field is missing"))
        #expect(problems.contains("shapes[0].test.size: 11 is outside 1...10"))
        #expect(problems.contains("shapes[0].test.mode: 'quick' is not one of fast, safe"))
        #expect(problems.contains("shapes[0].test.wait: expected a duration such as 500ms, 2s, 5m or 1h, found \"forever\""))
        #expect(problems.contains { $0.hasPrefix("shapes[0].test.when: JSONata S0") })
        #expect(problems.contains("shapes[0].test.tags: give at least one tag"))
        #expect(problems.contains("shapes[0].test.extra.deep: expected true or false, found string"))
        #expect(problems.contains("shapes[0].test.extra.deeper: unknown field 'deeper'"))
        #expect(problems.contains("shapes[0].test.colour: unknown field 'colour'"))
        // 'lots' is neither a choice nor a number: the problem is the last kind's that takes text.
        #expect(problems.contains("shapes[0].test.limit: 'lots' is not one of none"))
        #expect(problems.count == 10)
    }

    @Test func anyOfPicksTheKindThatTakesTheValue() {
        #expect(read(["name": "a", "limit": "none"]).1 == [])
        #expect(read(["name": "a", "limit": 50]).1 == [])
        #expect(read(["name": "a", "limit": 500]).1 == ["shapes[0].test.limit: 500 is outside 1...100"])
        #expect(read(["name": "a", "limit": true]).1 == ["shapes[0].test.limit: expected one of none or a whole number, found boolean"])
    }

    @Test func rulesAcrossFieldsCountDefaultsAndSkipFieldsThatHadAProblem() {
        // mode defaults to safe: wait is allowed, when is not required.
        #expect(read(["name": "a", "wait": "5s"]).1 == [])
        #expect(
            read(["name": "a", "mode": "fast", "wait": "5s"]).1 == [
                "shapes[0].test.wait: applies to mode: safe only", "shapes[0].test.when: required when mode: fast",
            ])
        // A mode with a problem decides nothing: only its own problem is reported.
        #expect(read(["name": "a", "mode": "quick", "wait": "5s"]).1 == ["shapes[0].test.mode: 'quick' is not one of fast, safe"])
        #expect(read(["name": "a", "wait": "0s"]).1 == ["shapes[0].test.wait: must be more than 0 and at most 1m"])
    }

    @Test func variantsTakeTheSettingsOfTheirCaseOnly() {
        let variants = Variants(
            key: "type",
            cases: [
                Variant("page", help: "Pages.", settings: ObjectSpec([FieldSpec("start", .integer(0...9), default: 1, help: "First.")])),
                Variant("cursor", help: "Cursors.", settings: ObjectSpec([FieldSpec("path", .fieldPath, required: true, help: "Where.")])),
                Variant("none", help: "One request."),
            ], shorthand: true)
        func problems(_ value: JSON) -> [String] {
            let list = ProblemList()
            _ = SpecValidator(problems: list).validate(value, .variants(variants), path: "p", setting: "p")
            return list.problems.map(\.description)
        }
        #expect(problems(["type": "page", "start": 2]) == [])
        #expect(problems(["type": "page", "path": "x"]) == ["p.path: unknown field 'path'"])
        #expect(problems(["type": "cursor"]) == ["p.path: required field is missing"])
        #expect(problems(["type": "pages"]) == ["p.type: 'pages' is not one of page, cursor, none"])
        #expect(problems(["start": 1]) == ["p.type: required field is missing"])
        #expect(problems("none") == [])
    }

    @Test func anExternalKindIsCheckedAsItsContextDefinesIt() {
        // What connector definitions (data) would supply for an endpoint's parameters.
        let context = SpecContext(externalKinds: ["orders.params": .object([FieldSpec("since", .string, required: true, help: "Since when.")])])
        let problems = ProblemList()
        _ = SpecValidator(problems: problems, context: context).validate(["sinse": "2026-01-01"], .external("orders.params"), path: "p", setting: "p")
        #expect(problems.problems.map(\.description) == ["p.since: required field is missing", "p.sinse: unknown field 'sinse'"])
        let unknown = ProblemList()
        #expect(SpecValidator(problems: unknown).validate(["any": 1], .external("orders.params"), path: "p", setting: "p")?.json == ["any": 1])
        #expect(unknown.isEmpty)
    }

    @Test func dictionaryKeysAreCheckedAsNames() {
        let (problems, _) = decode("variables: { ok_1: 1, \"2fast\": 2, vars: 3 }")
        #expect(
            problems == [
                "variables.2fast: '2fast' is not a variable name: use letters, digits and _, starting with a letter or _",
                "variables.vars: 'vars' is reserved: $vars holds all variables as one object",
            ])
    }

    @Test func aSettingWithAProblemNeverStopsTheProcessWhenShapesAreRead() {
        // The entry's retry had a problem; the decoder reads the rest without trusting it.
        let (problems, _) = decode("", shape: "{ id: a, retry: { attempts: three, backoff: soon }, split: { batch_size: x } }")
        #expect(problems.count == 3)
    }

    @Test func durationsFollowOneStrictGrammarWithoutOverflow() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse(" 1.5m ") == .seconds(90))
        #expect(DurationText.parse("90d") == .seconds(90 * 86400))
        #expect(DurationText.parse(.number(2.5)) == .milliseconds(2500))
        for text in ["inf", "infinity", "nan", "1e300", "0x10", "1e3s", "-1s", ".5s", "5 s", "5sec", "", "s"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        #expect(DurationText.parse(.number(1e300)) == nil)
        #expect(DurationText.parse(.number(-1)) == nil)
        #expect(DurationText.format(.seconds(3600)) == "1h")
        #expect(DurationText.format(.seconds(90 * 86400)) == "90d")
    }

    @Test func sizesFollowOneStrictGrammar() {
        #expect(ByteSizeText.parse("512MB") == 512 << 20)
        #expect(ByteSizeText.parse("2gb") == 2 << 30)
        #expect(ByteSizeText.parse(" 64 K ") == 64 << 10)
        #expect(ByteSizeText.parse(.number(4096)) == 4096)
        for text in ["lots", "1e30", "inf", "-1MB", "1TB", "1.5.2MB"] { #expect(ByteSizeText.parse(text) == nil, "\(text)") }
        #expect(ByteSizeText.parse(.number(1e300)) == nil)
    }

    /// Decodes a flow with one extra top-level line (and a shape entry), returning its problems.
    func decode(_ line: String, shape: String = "{ id: a, split: {} }") -> ([String], FlowDefinition?) {
        do {
            return ([], try FlowFile.decode("id: f\n\(line)\nshapes:\n  - \(shape)\n"))
        } catch {
            return (error.problems.map(\.description), nil)
        }
    }
}
