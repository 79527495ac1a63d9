import Foundation
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// `dedupe`: passes each item once, remembering keys in a named data pool shared by every flow
/// and run that names it.
///
/// ```yaml
/// - id: new-orders-only
///   dedupe:
///     pool: shop-orders
///     key: order_number            # JSONata over each payload; a composite key: [sku, warehouse]
///     mode: filter_and_track       # filter | track | filter_and_track (default)
///     retention: 90d               # how long a key is remembered (default 90 days)
///     missing_key: fail            # fail (default) | pass | drop: a payload whose key is undefined or null
/// ```
/// - `filter` drops payloads whose key is in the pool, and records nothing;
/// - `track` records every key and passes every payload;
/// - `filter_and_track` records new keys and passes only their payloads, atomically: when two
///   runs offer the same key at the same time, exactly one of them passes it.
///
/// Within one step a key passes once (the first payload carrying it). A step that runs again
/// after a crash or a retry still passes the keys it claimed itself the first time.
public struct DedupeShape: ShapeKind {
    let pools: (any DataPoolKeys)?
    let now: ShapeClock

    /// `pools` is nil only for reading flows (validation) without a store.
    public init(pools: (any DataPoolKeys)?, now: @escaping ShapeClock = Date.init) {
        self.pools = pools
        self.now = now
    }

    enum Mode: String, CaseIterable { case filter, track, filter_and_track }
    enum MissingKey: String, CaseIterable { case fail, pass, drop }

    public static let defaultRetention: Duration = .seconds(90 * 86400)

    /// Pool and cache names appear in CLI commands and CSV file names: keep them plain.
    static let poolNamePattern = "^[A-Za-z0-9._-]{1,100}$"
    static let poolName = TextRules(pattern: poolNamePattern, patternMessage: "'{value}' is not a pool name: use letters, digits, '-', '_' and '.'")

    public static let spec = ShapeSpec(
        type: "dedupe", category: .memory,
        summary: "Pass each key once, remembering keys in a named data pool (atomic across runs).",
        help: "A pool is shared by every flow and run that names it. In `filter_and_track` mode, when two runs offer the same key "
            + "at the same moment, exactly one passes it. Within one step a key passes once; split arrays first (one payload, one item).",
        settings: ObjectSpec([
            FieldSpec("pool", .text(.poolRef, poolName), required: true, help: "The pool's name: letters, digits, `-`, `_`, `.`."),
            FieldSpec(
                "key", .expression, required: true,
                help: "JSONata per payload; a composite key is a list (`[sku, warehouse]`). Lists and objects count as their compact JSON."),
            FieldSpec(
                "mode",
                .choice([
                    Choice("filter", help: "Drop payloads whose key is in the pool; record nothing."),
                    Choice("track", help: "Record every key; pass every payload."),
                    Choice("filter_and_track", help: "Record new keys and pass only their payloads, atomically."),
                ]), default: .string(Mode.filter_and_track.rawValue), help: "What the step does with the pool."),
            FieldSpec(
                "retention", .anyOf([.choice([Choice("forever", help: "Keys never expire.")]), .duration(.positive)]),
                default: .duration(defaultRetention),
                help: "How long a key is remembered after it was recorded, or `forever`; expired keys count as new."),
            FieldSpec(
                "missing_key",
                .choice([
                    Choice("fail", help: "Fail the step, naming the payload."),
                    Choice("pass", help: "Pass the payload without recording anything."),
                    Choice("drop", help: "Drop the payload."),
                ]), default: .string(MissingKey.fail.rawValue), help: "What happens to a payload whose key is undefined or null."),
            ExpressionLimits.field,
        ]),
        example: """
            - id: new-orders-only
              dedupe:
                pool: shop-orders
                key: order_number
                mode: filter_and_track
                retention: 90d
                missing_key: fail
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let retention = settings.optional.string("retention") == "forever" ? nil : settings.duration("retention")
        return Executor(
            pools: pools, now: now, pool: settings.string("pool"), key: settings.expression("key"),
            mode: Mode(rawValue: settings.string("mode")) ?? .filter_and_track,
            missing: MissingKey(rawValue: settings.string("missing_key")) ?? .fail, retention: retention,
            limits: ExpressionLimits(settings.optional.object("limits")))
    }

    /// Why `name` cannot be a pool name, or nil (for the `skein pool` commands).
    public static func poolNameProblem(_ name: String) -> String? {
        let valid = ProblemList()
        _ = SpecValidator(problems: valid).validate(.string(name), .text(.poolRef, poolName), path: "", setting: "", required: true)
        return valid.problems.first?.message
    }

    struct Executor: ShapeExecutor {
        let pools: (any DataPoolKeys)?
        let now: ShapeClock
        let pool: String
        let key: ShapeExpression
        let mode: Mode
        let missing: MissingKey
        let retention: Duration?
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            guard let pools else { throw ShapeFailure("step '\(context.shapeID)': no data pool store is configured") }
            var keys: [String?] = []
            var warnings: [String] = []
            for (index, payload) in input.enumerated() {
                let document = try payload.document(index: index)
                let value = KeyText.text(try key.evaluate(document, payloadIndex: index, limits: limits, context: context))
                if value == nil, missing == .fail {
                    throw ShapeFailure(
                        "step '\(context.shapeID)', dedupe.key, payload \(index): '\(key.source)' gave no key (undefined or null); "
                            + "fix the expression or set missing_key: pass or drop",
                        details: [
                            "step": .string(context.shapeID), "payload_index": .number(Double(index)), "expression": .string(key.source),
                        ])
                }
                keys.append(value)
            }
            let present = keys.compactMap { $0 }
            let time = now()
            let expiresAt = retention.map { time.addingTimeInterval($0.seconds) }
            let claimant = PoolClaimant(runID: context.runID, shapeID: context.shapeID)
            let passing: Set<String>
            switch mode {
            case .track:
                try await pools.recordKeys(pool: pool, keys: present, claimant: claimant, expiresAt: expiresAt, now: time)
                passing = Set(present)
            case .filter:
                passing = Set(present).subtracting(try await pools.existingKeys(pool: pool, keys: present, now: time))
            case .filter_and_track:
                passing = try await pools.claimKeys(pool: pool, keys: present, claimant: claimant, expiresAt: expiresAt, now: time)
            }
            var outputs: [Payload] = []
            var passed: Set<String> = []
            var dropped: [String] = []
            var withoutKey = 0
            for (payload, key) in zip(input, keys) {
                guard let key else {
                    withoutKey += 1
                    if missing == .pass { outputs.append(payload) }
                    continue
                }
                if mode == .track || (passing.contains(key) && passed.insert(key).inserted) {
                    outputs.append(payload)
                } else {
                    dropped.append(key)
                }
            }
            if !dropped.isEmpty {
                let shown = dropped.prefix(10).joined(separator: ", ") + (dropped.count > 10 ? ", …" : "")
                warnings.append("dropped \(dropped.count) payload\(dropped.count == 1 ? "" : "s") already seen in pool '\(pool)': \(shown)")
            }
            if withoutKey > 0 {
                warnings.append("\(withoutKey) payload\(withoutKey == 1 ? "" : "s") had no key (missing_key: \(missing.rawValue))")
            }
            return ShapeResult(outputs: outputs, warnings: warnings)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
