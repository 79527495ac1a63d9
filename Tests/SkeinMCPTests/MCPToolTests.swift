import Foundation
import MCP
import SkeinCore
import SkeinJSON
import SkeinMCP
import SkeinOperations
import SkeinStorageMemory
import Testing

/// A store with a three-step flow and a run of it that failed at its last step.
struct MCPFixture {
    static let flowText = """
        id: orders-to-erp
        shapes:
          - id: source
            payload: { json: { orders: [ { id: 1 }, { id: 2 } ] } }
          - id: each
            split: { path: orders }
          - id: check
            filter: { condition: "id > 1" }
        """

    let store = MemoryStore()
    var toolbox: MCPToolbox { MCPToolbox(operations: Operations(store: store, catalog: .permissive)) }

    static func caller(_ role: Role) -> Identity { Identity(username: "pat", role: role, method: .token) }

    /// Run 1: `source` and `each` succeeded (each made two payloads), `check` failed on order 1042.
    func failedRun() async throws -> RunRecord {
        let flow = try await store.deploy(try FlowFile.decode(Self.flowText), source: Self.flowText, now: Date()).flow
        let now = Date()
        let run = try await store.enqueue(
            NewRun(
                flowID: flow.flowID, flowVersion: flow.version, trigger: .manual,
                input: [Payload(json: ["hello": "world"])]), now: now)
        try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "source", shapeType: "payload", inputCount: 1, inputBytes: 17, now: now)
        try await store.finishStep(
            StepID(run: run.id, sequence: 1),
            outcome: StepOutcome(
                status: .success, attempts: 1, outputs: [Payload(json: ["orders": [["id": 1], ["id": 2]]])]), now: now)
        try await store.beginStep(StepID(run: run.id, sequence: 2), shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 30, now: now)
        try await store.finishStep(
            StepID(run: run.id, sequence: 2),
            outcome: StepOutcome(
                status: .success, attempts: 1,
                outputs: [Payload(json: ["id": 1]), Payload(json: ["id": 2, "note": .string(String(repeating: "x", count: 100))])]), now: now)
        try await store.beginStep(StepID(run: run.id, sequence: 3), shapeID: "check", shapeType: "filter", inputCount: 2, inputBytes: 16, now: now)
        let error = "ERP refused order 1042: \"SKU-9\" is unknown"
        try await store.finishStep(StepID(run: run.id, sequence: 3), outcome: StepOutcome(status: .failure, attempts: 1, error: error), now: now)
        try await store.finishRun(runID: run.id, status: .failure, error: error, failedShapeID: "check", now: now)
        return try await store.run(id: run.id)!
    }

    func call(_ name: String, _ arguments: JSON.Object = [:], as role: Role = .viewer) async throws -> MCPToolbox.Answer {
        try #require(await toolbox.call(name, arguments: arguments, caller: Self.caller(role)))
    }
}

@Suite struct MCPToolTests {
    @Test func everyToolHasAnObjectSchemaDescribingEachArgument() {
        let tools = MCPFixture().toolbox.tools
        #expect(
            tools.map(\.name) == [
                "list_flows", "search_runs", "show_run", "read_payload", "summarize_failures", "search_sync",
                "show_sync_entry", "replay_run", "retry_run", "resync",
            ])
        for tool in tools {
            #expect(tool.inputSchema["type"]?.stringValue == "object", "\(tool.name)")
            for (name, property) in tool.inputSchema["properties"]?.objectValue ?? [:] {
                #expect(property["description"]?.stringValue?.isEmpty == false, "\(tool.name).\(name) needs a description")
            }
            #expect(tool.readOnly == !["replay_run", "retry_run", "resync"].contains(tool.name))
            if !tool.readOnly { #expect(tool.argumentNames.contains("confirm"), "\(tool.name) must ask for confirm") }
        }
    }

    @Test func aViewerFindsAFailedRunReadsItsStepsAndPayloadsAndItsErrorGroup() async throws {
        let fixture = MCPFixture()
        let run = try await fixture.failedRun()

        let flows = try await fixture.call("list_flows")
        #expect(flows.json["flows"]?[0]?["id"]?.stringValue == "orders-to-erp")

        let found = try await fixture.call("search_runs", ["status": ["failure"], "days": 1])
        #expect(!found.isError, "\(found.text)")
        #expect(found.json["runs"]?.arrayValue?.count == 1)
        #expect(found.json["runs"]?[0]?["failed_step"]?.stringValue == "check")

        let shown = try await fixture.call("show_run", ["run": .number(Double(run.id.rawValue))])
        #expect(shown.json["steps"]?.arrayValue?.map { $0["step"]?.stringValue } == ["source", "each", "check"])
        #expect(shown.json["steps"]?[2]?["error"]?.stringValue == "ERP refused order 1042: \"SKU-9\" is unknown")

        let payload = try await fixture.call("read_payload", ["run": 1, "step": "each", "index": 1])
        #expect(payload.json["payloads"]?.numberValue == 2)
        #expect(payload.json["trimmed"]?.boolValue == false)
        let text = try #require(payload.json["text"]?.stringValue)
        #expect(try JSON(parsing: text)["id"]?.numberValue == 2)

        let head = try await fixture.call("read_payload", ["run": 1, "step": "each", "index": 1, "limit": 10])
        #expect(head.json["trimmed"]?.boolValue == true)
        #expect(head.json["text"]?.stringValue?.utf8.count == 10)
        let rest = try await fixture.call("read_payload", ["run": 1, "step": "each", "index": 1, "offset": head.json["next_offset"]!])
        #expect(
            (head.json["text"]!.stringValue! + rest.json["text"]!.stringValue!)
                == String(decoding: Payload(json: ["id": 2, "note": .string(String(repeating: "x", count: 100))]).bytes(), as: UTF8.self))

        let failures = try await fixture.call("summarize_failures", ["days": 1])
        #expect(failures.json["failed_runs"]?.numberValue == 1)
        #expect(failures.json["groups"]?[0]?["error"]?.stringValue == "ERP refused order #: \"…\" is unknown")

        let sync = try await fixture.call("search_sync", ["status": "failed"])
        #expect(!sync.isError, "\(sync.text)")
        #expect(sync.json["counts"]?["failed"]?.numberValue == 0)
    }

    @Test func aViewersReplayIsRefusedWithThePermissionError() async throws {
        let fixture = MCPFixture()
        _ = try await fixture.failedRun()
        for confirm in [false, true] {
            let answer = try await fixture.call("replay_run", ["run": 1, "step": "each", "confirm": .bool(confirm)])
            #expect(answer.isError)
            #expect(answer.text == "this needs the operator role; pat is viewer")
            #expect(answer.json["error"]?["code"]?.stringValue == "forbidden")
        }
        #expect(try await fixture.store.runs(RunQuery(limit: 10)).count == 1)
    }

    @Test func anOperatorSeesAPreviewThenReplaysWithConfirm() async throws {
        let fixture = MCPFixture()
        _ = try await fixture.failedRun()
        let preview = try await fixture.call("replay_run", ["run": 1, "step": "each"], as: .operator)
        #expect(preview.json["preview"]?.boolValue == true, "\(preview.text)")
        #expect(preview.json["would_start"]?["payloads"]?.numberValue == 2)
        #expect(preview.json["would_start"]?["entry_step"]?.stringValue == "check")
        #expect(try await fixture.store.runs(RunQuery(limit: 10)).count == 1, "a preview starts nothing")

        let replayed = try await fixture.call("replay_run", ["run": 1, "step": "each", "confirm": true], as: .operator)
        #expect(!replayed.isError, "\(replayed.text)")
        #expect(replayed.json["started"]?["origin_run"]?.numberValue == 1)
        #expect(replayed.json["started"]?["status"]?.stringValue == "queued")
        let runs = try await fixture.store.runs(RunQuery(originRunID: RunID(1), limit: 10))
        #expect(runs.count == 1)

        let retryPreview = try await fixture.call("retry_run", ["run": 1, "from": "start"], as: .operator)
        #expect(retryPreview.json["would_start"]?["payloads"]?.numberValue == 1)
        let retried = try await fixture.call("retry_run", ["run": 1, "confirm": true], as: .operator)
        #expect(retried.json["started"]?["trigger"]?.stringValue == "retry", "\(retried.text)")
    }

    @Test func resyncIsForOperatorsAndPreviewsFirst() async throws {
        let fixture = MCPFixture()
        let viewer = try await fixture.call("resync", ["status": "failed"])
        #expect(viewer.text == "this needs the operator role; pat is viewer")
        let preview = try await fixture.call("resync", ["status": "failed"], as: .operator)
        #expect(preview.json["preview"]?.boolValue == true)
        #expect(preview.json["would_send"]?.numberValue == 0)
        let neither = try await fixture.call("resync", [:], as: .operator)
        #expect(neither.text == "give sync ids, or filters such as status=failed to resync every matching entry")
        // This toolbox's operations have no resender (a process that cannot send): said, not crashed.
        let confirmed = try await fixture.call("resync", ["status": "failed", "confirm": true], as: .operator)
        #expect(confirmed.json["error"]?["code"]?.stringValue == "misconfigured")
    }

    @Test func badArgumentsAreRefusedWithTheOperationsMessages() async throws {
        let fixture = MCPFixture()
        let status = try await fixture.call("search_runs", ["status": "lost"])
        #expect(status.isError)
        #expect(status.text == "unknown status 'lost'; use " + RunStatus.allCases.map(\.rawValue).joined(separator: ", "))
        #expect(status.json["error"]?["field"]?.stringValue == "status")
        let days = try await fixture.call("search_sync", ["days": 30])
        #expect(days.text == "days must be a whole number from 1 to 15, found '30'")
        let misspelt = try await fixture.call("search_runs", ["state": "failure"])
        #expect(misspelt.isError)
        #expect(misspelt.text.hasPrefix("search_runs has no argument 'state'; it takes status, flow"))
        let missing = try await fixture.call("show_run")
        #expect(missing.text == "run is required")
        let absent = try await fixture.call("show_run", ["run": 99])
        #expect(absent.text == "no run 99")
        let tooMuch = try await fixture.call("read_payload", ["run": 1, "step": "input", "limit": 2_000_000])
        #expect(tooMuch.text == "limit must be a whole number from 1 to \(MCPToolbox.maximumPayloadBytes), found '2000000'")
        #expect(await fixture.toolbox.call("drop_tables", arguments: [:], caller: MCPFixture.caller(.admin)) == nil)
    }

    /// The same tools through the MCP SDK: a client initialises, lists them and calls them.
    @Test func anMCPClientListsAndCallsTheTools() async throws {
        let fixture = MCPFixture()
        _ = try await fixture.failedRun()
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let server = await SkeinMCPServer.make(fixture.toolbox, caller: MCPFixture.caller(.viewer))
        try await server.start(transport: serverSide)
        let client = Client(name: "test", version: "1")
        let initialized = try await client.connect(transport: clientSide)
        #expect(initialized.serverInfo.name == "skein")
        let tools = try await client.listTools().tools
        #expect(tools.count == 10)
        #expect(tools.first { $0.name == "replay_run" }?.annotations.readOnlyHint == false)

        let found = try await client.callTool(name: "search_runs", arguments: ["status": "failure"])
        #expect(found.isError != true)
        guard case .text(let text, _, _)? = found.content.first else { Issue.record("no text content"); return }
        #expect(try JSON(parsing: text)["runs"]?[0]?["id"]?.numberValue == 1)

        let refused = try await client.callTool(name: "replay_run", arguments: ["run": 1, "step": "each", "confirm": true])
        #expect(refused.isError == true)
        guard case .text(let message, _, _)? = refused.content.first else { Issue.record("no text content"); return }
        #expect(message == "this needs the operator role; pat is viewer")
        await client.disconnect()
        await server.stop()
    }
}
