import Foundation
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

/// `$lookup` in a running flow: tables read once per run, the default for an unmatched value,
/// and a located failure (step, setting, payload index, table, value) without one.
@Suite struct LookupEngineTests {
    let logger = Logger(label: "test")

    func run(_ text: String, input: JSON, store: MemoryStore) async throws -> (RunRecord, RunStatus) {
        let catalog = ShapeCatalog()
        let definition = try FlowFile.decode(text, catalog: catalog)
        let flow = try await store.deploy(definition, source: text, now: Date()).flow
        let run = try await store.startClaimed(
            NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: [Payload(json: input)]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let status = try await RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger).execute(run)
        return (run, status)
    }

    static let flow = """
        id: ship
        shapes:
          - id: each-order
            split: { path: orders }
          - id: to-wms
            map: { fields: { ref: name, carrier: '$lookup("shipping-codes", shipping_method)', back: '$lookup("carriers", "DHL", "reverse")' } }
        """

    @Test func mapsWithTheTableAndFallsBackToItsDefault() async throws {
        let store = MemoryStore()
        try await store.saveLookup(
            LookupTable(name: "shipping-codes", defaultValue: "STD", rows: [LookupRow(left: "express", right: "DHL-EXP")]), updatedAt: Date())
        try await store.saveLookup(LookupTable(name: "carriers", rows: [LookupRow(left: "dhl", right: "DHL")]), updatedAt: Date())
        let (run, status) = try await run(
            Self.flow, input: ["orders": [["name": "#1", "shipping_method": "express"], ["name": "#2", "shipping_method": "drone"]]],
            store: store)
        #expect(status == .success)
        let outputs = try await store.payloads(of: StepID(run: run.id, sequence: 2)).map { try $0.json() }
        #expect(outputs == [["ref": "#1", "carrier": "DHL-EXP", "back": "dhl"], ["ref": "#2", "carrier": "STD", "back": "dhl"]])
    }

    @Test func anUnmatchedValueWithoutDefaultFailsTheStepNamingPayloadTableAndValue() async throws {
        let store = MemoryStore()
        try await store.saveLookup(LookupTable(name: "shipping-codes", rows: [LookupRow(left: "express", right: "DHL-EXP")]), updatedAt: Date())
        try await store.saveLookup(LookupTable(name: "carriers", rows: [LookupRow(left: "dhl", right: "DHL")]), updatedAt: Date())
        let (run, status) = try await run(
            Self.flow, input: ["orders": [["name": "#1", "shipping_method": "express"], ["name": "#2", "shipping_method": "drone"]]],
            store: store)
        #expect(status == .failure)
        let step = try #require(try await store.steps(runID: run.id).last)
        #expect(step.shapeID == "to-wms")
        #expect(step.error?.contains("payload 1") == true, "\(step.error ?? "")")
        #expect(step.error?.contains("lookup 'shipping-codes' has no row whose left value is 'drone' and no default") == true, "\(step.error ?? "")")
    }

    @Test func aMissingTableFailsTheStepThatCallsIt() async throws {
        let store = MemoryStore()
        let (run, status) = try await run(Self.flow, input: ["orders": [["name": "#1", "shipping_method": "express"]]], store: store)
        #expect(status == .failure)
        let step = try #require(try await store.steps(runID: run.id).last)
        #expect(step.error?.contains("payload 0") == true && step.error?.contains("no lookup table named") == true, "\(step.error ?? "")")
    }
}
