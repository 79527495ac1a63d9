import Foundation
import SkeinCore
import SkeinJSON
import SkeinShapes
import SkeinStorage
import Testing

@Suite struct ScriptTests {
    func harness(_ database: TestDatabase) throws -> Harness { Harness(store: try database.open()) }

    @Test func pythonTurnsAnOrderIntoOneLinePerItem() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: lines
            shapes:
              - id: explode
                script:
                  language: python
                  code: |
                    import json, sys, os
                    order = json.load(sys.stdin)
                    for line in order["line_items"]:
                        print(json.dumps({"order": order["order_number"], "sku": line["sku"], "qty": line["quantity"],
                                          "run": os.environ["SKEIN_RUN_ID"], "channel": json.loads(os.environ["SKEIN_VARIABLES"])["channel"]}))
                    print("checked", len(order["line_items"]), "lines", file=sys.stderr)
            variables: { channel: web }
            """)
        let (run, status) = try await harness.run(flow, [order(1042, skus: ["AB-1", "CD-2"])])
        #expect(status == .success)
        #expect(
            try await harness.outputs(run.id, "explode") == [
                ["order": 1042, "sku": "AB-1", "qty": 1, "run": .string(String(run.id)), "channel": "web"],
                ["order": 1042, "sku": "CD-2", "qty": 2, "run": .string(String(run.id)), "channel": "web"],
            ])
        #expect(try await harness.step(run.id, "explode")?.warnings.first?.contains("checked 2 lines") == true)
    }

    @Test func nodeReadsStdinAndPrintsOneDocument() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: totals
            shapes:
              - id: total
                script:
                  language: node
                  output: document
                  code: |
                    let text = '';
                    process.stdin.on('data', c => text += c);
                    process.stdin.on('end', () => {
                      const order = JSON.parse(text);
                      const total = order.line_items.reduce((sum, l) => sum + l.quantity * l.price, 0);
                      process.stdout.write(JSON.stringify({ order: order.order_number, total }, null, 2));
                    });
            """)
        let (run, status) = try await harness.run(flow, [order(7, skus: ["A", "B", "C"])])
        #expect(status == .success)
        #expect(try await harness.outputs(run.id, "total") == [["order": 7, "total": 57]])
    }

    @Test func aNonZeroExitFailsTheStepWithItsStderr() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: picky
            shapes:
              - id: check
                script:
                  language: python
                  code: |
                    import json, sys
                    order = json.load(sys.stdin)
                    sys.exit("order %s has no shipping address" % order["order_number"])
            """)
        let (run, status) = try await harness.run(flow, [order(1042)])
        #expect(status == .failure)
        let error = try await harness.step(run.id, "check")?.error ?? ""
        #expect(error.contains("exited with status 1"))
        #expect(error.contains("order 1042 has no shipping address"))
    }

    /// The time limit catches a script that is never stopped. The script's child writes a
    /// heartbeat file five times a second for as long as it lives: once the step has ended, the
    /// heartbeat must stand still. How long stopping took is not asserted (a loaded machine can
    /// take seconds to schedule the test's own tasks), so the check holds however late the run ends;
    /// the 2 s limit leaves python time to start its child on a busy machine.
    @Test(.timeLimit(.minutes(1))) func withoutASandboxAScriptThatLoopsForeverIsStoppedAtItsTimeLimitWithItsProcessGroup() async throws {
        // SKEIN_SCRIPT_SANDBOX=off: the child can write the heartbeat where the test looks.
        // (In the sandbox every descendant dies with it: ScriptSandboxTests.)
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = Harness(store: try database.open(), extra: [ScriptShape(sandbox: .off)])
        let heartbeat = database.directory.appendingPathComponent("child-heartbeat").path
        let flow = try await harness.deploy(
            """
            id: forever
            shapes:
              - id: spin
                script:
                  language: python
                  timeout: 2s
                  code: |
                    import subprocess
                    subprocess.Popen(["/bin/sh", "-c", "n=0; while true; do n=$((n+1)); echo $n > \(heartbeat); sleep 0.2; done"])
                    while True:
                        pass
            """)
        let (run, status) = try await harness.run(flow, [order(1)])
        #expect(status == .failure)
        let error = try await harness.step(run.id, "spin")?.error ?? ""
        #expect(error.contains("ran longer than its time limit of 2s and was stopped"))
        try await Task.sleep(for: .milliseconds(500))
        let beatAfterTheStep = try? String(contentsOfFile: heartbeat, encoding: .utf8)
        try await Task.sleep(for: .seconds(2))
        let beatLater = try? String(contentsOfFile: heartbeat, encoding: .utf8)
        #expect(beatLater == beatAfterTheStep, "the script's child outlived it: the process group was not killed")
    }

    @Test func aScriptThatAllocatesWithoutBoundIsStoppedAtItsMemoryLimit() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: hungry
            shapes:
              - id: grow
                script:
                  language: python
                  memory: 200MB
                  code: |
                    chunks = []
                    while True:
                        chunks.append(bytearray(10 * 1024 * 1024))
            """)
        let (run, status) = try await harness.run(flow, [order(1)])
        #expect(status == .failure)
        let error = try await harness.step(run.id, "grow")?.error ?? ""
        #expect(error.contains("ran out of its memory limit of 200 MB"))
        #expect(error.contains("MemoryError"))
    }

    @Test func theScriptSeesNoneOfSkeinsEnvironment() async throws {
        setenv("SKEIN_CREDENTIAL_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1)
        setenv("PGPASSWORD", "hunter2", 1)
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: env
            shapes:
              - id: show
                script:
                  language: python
                  code: |
                    import json, os
                    print(json.dumps(sorted(os.environ)))
            """)
        let (run, _) = try await harness.run(flow, [order(1)])
        let names = try await harness.outputs(run.id, "show").first?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!names.isEmpty)
        #expect(!names.contains("SKEIN_CREDENTIAL_KEY") && !names.contains("PGPASSWORD"))
        #expect(
            Set(names).isSubset(of: [
                "PATH", "HOME", "LANG", "TMPDIR", "SKEIN_RUN_ID", "SKEIN_FLOW_ID", "SKEIN_STEP_ID",
                "SKEIN_PAYLOAD_INDEX", "SKEIN_VARIABLES", "LC_CTYPE", "PWD", "OLDPWD",
            ]))
    }

    @Test func stdoutThatIsNotJSONLinesFailsNamingTheLine() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: chatty
            shapes:
              - id: talk
                script: { language: python, code: "print('{\\"ok\\": 1}')\\nprint('done!')" }
            """)
        let (run, status) = try await harness.run(flow, [order(1)])
        #expect(status == .failure)
        #expect(try await harness.step(run.id, "talk")?.error?.contains("stdout line 2 is not JSON") == true)
    }

    @Test func jsonataScriptsRunNativelyAndArraysBecomePayloads() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let harness = try harness(database)
        let flow = try await harness.deploy(
            """
            id: native
            variables: { warehouse: LEEDS }
            shapes:
              - id: stock
                script:
                  language: jsonata
                  code: 'line_items.{"sku": sku, "reserve": quantity, "warehouse": $warehouse}'
            """)
        let (run, _) = try await harness.run(flow, [order(3, skus: ["A", "B"])])
        #expect(
            try await harness.outputs(run.id, "stock") == [
                ["sku": "A", "reserve": 1, "warehouse": "LEEDS"], ["sku": "B", "reserve": 2, "warehouse": "LEEDS"],
            ])
    }

    @Test func unknownLanguagesAndBadLimitsAreValidationProblems() throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let catalog = try harness(database).catalog
        do {
            _ = try FlowFile.decode(
                """
                id: bad
                shapes:
                  - id: a
                    script: { language: cobol, code: x, timeout: 0s, memory: lots }
                """, catalog: catalog)
            Issue.record("expected problems")
        } catch {
            let text = "\(error)"
            #expect(text.contains("shapes[0].script.language"))
            #expect(text.contains("shapes[0].script.timeout"))
            #expect(text.contains("shapes[0].script.memory"))
        }
    }
}
