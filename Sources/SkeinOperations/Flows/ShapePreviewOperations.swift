public import SkeinCore
import SkeinEngine
public import SkeinJSON
import SkeinStorage

/// Tries a shape's settings — as they stand in the flow builder's drawer, saved or not — on a
/// payload that step really received in a stored run, and says what the shape would pass on.
/// The shape runs through the same spec validation and the same executor as in a run, so a map
/// rule `customer.email: customer.email` nests exactly as it will when deployed.
///
/// Only shapes whose spec says they touch no system are tried (`previewable`): a preview never sends, writes or
/// starts anything. The caller must be a builder: previews evaluate the caller's expressions
/// with the shape's own limits, as a deploy would.
public struct ShapePreviewOperations: Sendable {
    let store: any FlowReader & RunLogReader
    let catalog: ShapeCatalog

    /// The shape types a preview runs: those whose spec says `touchesNoSystem`.
    public var previewable: [String] { catalog.kinds.values.filter(\.spec.touchesNoSystem).map(\.type).sorted() }
    /// How many of the shape's outputs a preview returns (a split can make thousands).
    public static let maximumOutputs = 20

    /// What the shape made of one stored payload.
    public struct Preview: Sendable {
        /// The run and step the payload comes from.
        public var run: RunID
        public var step: Int
        /// Which of the step's `inputCount` payloads was tried.
        public var index: Int
        public var inputCount: Int
        public var input: JSON
        /// The first `maximumOutputs` payloads the shape passed on, and how many it made.
        public var outputs: [JSON]
        public var outputCount: Int
        /// Why the shape stopped (an assert that failed, an expression error), when it did.
        public var failure: String?

        /// As the API answers it and `skein flow preview --json` prints it.
        public var json: JSON {
            [
                "run": .number(Double(run.rawValue)), "step": .number(Double(step)), "index": .number(Double(index)),
                "input_count": .number(Double(inputCount)), "input": input, "outputs": .array(outputs),
                "output_count": .number(Double(outputCount)), "failure": failure.map(JSON.string) ?? .null,
            ]
        }
    }

    /// Runs `shape` (`{"id": …, "<type>": {settings}}`) on payload `index` of what step `shape.id`
    /// received in `run` — by default the newest run of `flowID` in which that step ran.
    public func preview(_ caller: Identity?, flowID: String, shape: JSON, run: RunID? = nil, index: Int = 0) async throws -> Preview {
        try Permission.build.require(caller)
        guard let flow = try await store.flow(id: flowID, version: nil) else { throw OperationError.notFound("no flow '\(flowID)'") }
        guard case .object(let entry) = shape, case .string(let shapeID)? = entry["id"], !shapeID.isEmpty else {
            throw OperationError.invalid("shape", "shape must be an object with an id and one shape type: {\"id\": \"to-erp\", \"map\": {…}}")
        }
        let structures = Set(FlowSpec.structures.map(\.type))
        let types = entry.keys.filter { catalog.kind($0) != nil || structures.contains($0) }
        guard types.count == 1, let type = types.first, let kind = catalog.kind(type), previewable.contains(type) else {
            throw OperationError.invalid(
                "shape",
                "a preview runs shapes that touch no system: \(previewable.joined(separator: ", ")); found \(types.isEmpty ? "no shape type" : types.joined(separator: ", "))"
            )
        }
        let executor = try prepare(kind, settings: entry[type] ?? .object([:]), shapeID: shapeID)
        guard index >= 0 else { throw OperationError.invalid("index", "index must be 0 or more") }
        let (record, steps, step) = try await stepToTry(flowID: flow.flowID, shapeID: shapeID, run: run)
        let inputs: [Payload]
        do {
            inputs = try await RunRecovery(store: store).inputs(of: step, in: record, steps: steps)
        } catch let error as RecoveryError {
            throw OperationError.conflict(error.message)
        }
        guard !inputs.isEmpty else {
            throw OperationError.conflict("step '\(shapeID)' of run \(record.id) received no payloads (or they expired), so there is nothing to try")
        }
        guard index < inputs.count else {
            throw OperationError.invalid(
                "index", "step '\(shapeID)' of run \(record.id) received \(inputs.count) payload\(inputs.count == 1 ? "" : "s"); there is no index \(index)")
        }
        let payload = inputs[index]
        var preview = Preview(
            run: record.id, step: step.sequence, index: index, inputCount: inputs.count,
            input: Self.shown(payload), outputs: [], outputCount: 0)
        let context = ShapeContext(runID: record.id, flowID: flow.flowID, shapeID: shapeID, variables: flow.definition.variables)
        do {
            let result = try await executor.execute([payload], context: context)
            preview.outputCount = result.outputs.count
            preview.outputs = result.outputs.prefix(Self.maximumOutputs).map(Self.shown)
        } catch let failure as ShapeFailure {
            preview.failure = failure.message
        }
        return preview
    }

    /// A payload as JSON; a payload that is not JSON as its text (or its size, when not UTF-8).
    static func shown(_ payload: Payload) -> JSON {
        if let json = try? payload.json() { return json }
        let bytes = payload.bytes()
        return .string(String(validating: bytes, as: UTF8.self) ?? "(\(payload.contentType), \(bytes.count) bytes)")
    }

    /// The executor `settings` make, or the located problems of the spec, as a deploy reports them.
    func prepare(_ kind: any ShapeKind, settings: JSON, shapeID: String) throws -> any ShapeExecutor {
        let problems = ProblemList()
        if let reader = SettingsReader(settings, path: "\(shapeID).\(kind.type)", problems: problems), let executor = kind.prepare(reader) {
            return executor
        }
        let list = problems.isEmpty ? [FlowProblem(path: "\(shapeID).\(kind.type)", message: "settings must be an object")] : problems.problems
        throw OperationError.invalidFlow(list.map(\.description).joined(separator: "\n"), problems: list)
    }

    /// The run to take the payload from, its steps, and the step of it that ran the shape.
    func stepToTry(flowID: String, shapeID: String, run: RunID?) async throws -> (RunRecord, [StepRecord], StepRecord) {
        if let run {
            guard let record = try await store.run(id: run), record.flowID == flowID else {
                throw OperationError.notFound("flow '\(flowID)' has no run \(run)")
            }
            let steps = try await store.steps(runID: run)
            guard let step = steps.last(where: { $0.shapeID == shapeID }) else {
                throw OperationError.conflict("step '\(shapeID)' did not run in run \(run); choose a run that reached it")
            }
            return (record, steps, step)
        }
        for record in try await store.runs(RunQuery(flowID: flowID, limit: 50)) {
            let steps = try await store.steps(runID: record.id)
            if let step = steps.last(where: { $0.shapeID == shapeID }) { return (record, steps, step) }
        }
        throw OperationError.conflict("step '\(shapeID)' has not run in the last 50 runs of '\(flowID)'; run the flow, then try the shape on what it received")
    }
}
