import Foundation
import InMemoryTracing
import Logging
import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing
import Tracing

/// The spans a run makes, recorded by an in-memory tracer bound to the test's task: one span per
/// pick-up, and one span per step that is always the run span's child, however deep the step
/// sits in routes and try parts.
@Suite struct RunTracingTests {
    let logger = Logger(label: "test")

    func run(_ text: String, input: JSON, tracer: InMemoryTracer) async throws -> (RunRecord, RunStatus, [StepRecord]) {
        let store = MemoryStore()
        let catalog = ShapeCatalog()
        let definition = try FlowFile.decode(text, catalog: catalog)
        let flow = try await store.deploy(definition, source: text, now: Date()).flow
        let run = try await store.startClaimed(
            NewRun(flowID: flow.flowID, flowVersion: flow.version, trigger: .manual, input: [Payload(json: input)]),
            owner: "t", leaseUntil: Date() + 60, now: Date())
        let executor = RunExecutor(store: store, catalog: catalog, instances: FixedInstances([]), logger: logger)
        let status = try await withTracer(tracer) { try await executor.execute(run) }
        return (run, status, try await store.steps(runID: run.id))
    }

    @Test func everyStepOfRoutesAndTryPartsIsAChildOfTheRunSpan() async throws {
        let tracer = InMemoryTracer()
        let (run, status, steps) = try await self.run(
            """
            id: nested
            shapes:
              - id: each
                split: { path: items }
              - id: guarded
                try:
                  shapes:
                    - id: by-size
                      route:
                        branches:
                          - { name: big, condition: 'n > 10', shapes: [ { id: big-only, assert: { that: [ { field: n, exists: true } ] } } ] }
                        otherwise: [ { id: small, assert: { that: [ { field: n, greater_than: 0 } ] } } ]
                  catch: [ { id: note, map: { fields: { failed: error.message } } } ]
            """, input: ["items": [["n": 20], ["n": -1]]], tracer: tracer)
        #expect(status == .partialSuccess)
        let spans = tracer.finishedSpans
        let runSpans = spans.filter { $0.operationName == "run nested" }
        try #require(runSpans.count == 1)
        let runSpan = runSpans[0]
        #expect(runSpan.parentSpanID == nil)
        #expect(runSpan.attributes["skein.run.id"]?.toSpanAttribute() == .int64(run.id.rawValue))
        #expect(runSpan.attributes["skein.run.status"]?.toSpanAttribute() == .string("partial_success"))
        let stepSpans = spans.filter { $0.operationName.hasPrefix("step ") }
        #expect(stepSpans.map(\.operationName) == steps.map { "step \($0.shapeID)" }, "one span per step, in step order")
        #expect(stepSpans.allSatisfy { $0.parentSpanID == runSpan.spanID && $0.traceID == runSpan.traceID })
        #expect(stepSpans.map { $0.attributes["skein.step.path"]?.toSpanAttribute() } == steps.map { $0.path.map(SpanAttribute.string) })
        // The assert that failed one payload inside try: its step failed (its payload was caught), and says so.
        let small = try #require(stepSpans.first { $0.operationName == "step small" })
        #expect(small.status?.code == .error)
        #expect(small.attributes["skein.step.status"]?.toSpanAttribute() == .string("failure"))
        #expect(stepSpans.filter { $0.status?.code == .error }.count == 1)
    }

    @Test func aFailedRunMarksItsSpanAndTheFailingStep() async throws {
        let tracer = InMemoryTracer()
        let (_, status, _) = try await run(
            """
            id: strict
            shapes:
              - id: each
                split: { path: items }
              - id: checked
                assert: { that: [ { field: n, greater_than: 0 } ] }
            """, input: ["items": [["n": 1], ["n": -1]]], tracer: tracer)
        #expect(status == .failure)
        let runSpan = try #require(tracer.finishedSpans.first { $0.operationName == "run strict" })
        #expect(runSpan.status?.code == .error)
        let checked = try #require(tracer.finishedSpans.first { $0.operationName == "step checked" })
        #expect(checked.status?.code == .error)
        #expect(checked.parentSpanID == runSpan.spanID)
        #expect(tracer.activeSpans.isEmpty, "no span is left open")
    }
}
