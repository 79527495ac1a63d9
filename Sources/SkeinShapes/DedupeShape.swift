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

    public var type: String { "dedupe" }
    public var summary: String { "Pass each key once, remembering keys in a named data pool (atomic across runs)." }

    enum Mode: String, CaseIterable { case filter, track, filter_and_track }
    enum MissingKey: String, CaseIterable { case fail, pass, drop }

    public static let defaultRetention: Duration = .seconds(90 * 86400)

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let pool = settings.string("pool", required: true)
        if let pool, let problem = DedupeShape.poolNameProblem(pool) { settings.report("pool", problem) }
        let key = settings.string("key", required: true).flatMap {
            ShapeExpression.compile($0, path: settings.childPath("key"), setting: "dedupe.key", problems: settings.problems)
        }
        let mode = settings.string("mode", allowed: Mode.allCases.map(\.rawValue)).flatMap(Mode.init(rawValue:)) ?? .filter_and_track
        let missing = settings.string("missing_key", allowed: MissingKey.allCases.map(\.rawValue)).flatMap(MissingKey.init(rawValue:)) ?? .fail
        var retention: Duration? = DedupeShape.defaultRetention
        if settings.raw("retention") == .string("forever") {
            retention = nil
        } else if let value = settings.duration("retention") {
            if value <= .zero { settings.report("retention", "must be more than 0 (or forever)") } else { retention = value }
        }
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        guard settings.problems.isEmpty, let pool, let key else { return nil }
        return Executor(pools: pools, now: now, pool: pool, key: key, mode: mode, missing: missing, retention: retention, limits: limits)
    }

    /// Pool names appear in CLI commands and CSV file names: keep them plain.
    public static func poolNameProblem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic || $0.properties.numericType != nil) && $0.isASCII || "-_.".unicodeScalars.contains($0) }
        return !name.isEmpty && name.count <= 100 && allowed ? nil : "'\(name)' is not a pool name: use letters, digits, '-', '_' and '.'"
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
                    throw ShapeFailure("step '\(context.shapeID)', dedupe.key, payload \(index): '\(key.source)' gave no key (undefined or null); "
                                       + "fix the expression or set missing_key: pass or drop", details: [
                                        "step": .string(context.shapeID), "payload_index": .number(Double(index)), "expression": .string(key.source)])
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
