import Foundation
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// `cache`: keeps payloads in a named cache to load again later — in the same run, a later run
/// of the flow, or any flow of the installation.
///
/// ```yaml
/// - id: remember-stock
///   cache:
///     action: add                  # add (payloads pass through) | load (outputs cached payloads) | clear
///     name: stock-levels
///     scope: flow                  # run | flow (default) | installation
///     key: sku                     # add: one entry per key, a later add replaces it (default: the payload's position)
///                                  # load: only the entries with the input payloads' keys (default: every entry)
///     ttl: 1h                      # how long an entry lives (default 24h)
///     max_entries: 10000           # beyond these, the oldest entries are evicted (with a warning)
///     max_bytes: 67108864
///     if_empty: continue           # load finding nothing: continue (no payloads, a warning) | fail
/// ```
public struct CacheShape: ShapeKind {
    let caches: (any CacheStore)?
    let now: ShapeClock

    public init(caches: (any CacheStore)?, now: @escaping ShapeClock = Date.init) {
        self.caches = caches
        self.now = now
    }

    enum Action: String, CaseIterable { case add, load, clear }
    enum Scope: String, CaseIterable { case run, flow, installation }

    public static let spec = ShapeSpec(
        type: "cache", category: .memory,
        summary: "Add payloads to, or load them from, a named cache (run, flow or installation scope).",
        help: "Expired entries are never loaded and are deleted by `skein serve`'s retention pass.",
        settings: ObjectSpec([
            FieldSpec(
                "action",
                .choice([
                    Choice("add", help: "Store each payload under its key and pass the payloads on; a later add with the same key replaces the entry."),
                    Choice("load", help: "Output the cached payloads, oldest first (with `key:`, only the entries for the input payloads' keys)."),
                    Choice("clear", help: "Empty the cache and pass the payloads on."),
                ]), required: true, help: "What the step does with the cache."),
            FieldSpec(
                "name",
                .text(
                    .cacheRef,
                    TextRules(
                        pattern: DedupeShape.poolNamePattern,
                        patternMessage: "'{value}' is not a cache name: use letters, digits, '-', '_' and '.'")),
                required: true, help: "The cache's name: letters, digits, `-`, `_`, `.`."),
            FieldSpec(
                "scope",
                .choice([
                    Choice("run", help: "This run only."),
                    Choice("flow", help: "Every run of this flow."),
                    Choice("installation", help: "Every flow."),
                ]), default: .string(Scope.flow.rawValue), help: "Who sees the cache."),
            FieldSpec(
                "key", .expression,
                help:
                    "JSONata per payload. add: one entry per key (default: the payload's position); load: only the entries with these keys (default: every entry)."
            ),
            FieldSpec("ttl", .duration(.positive), default: .duration(.seconds(86400)), help: "How long an entry lives."),
            FieldSpec("max_entries", .integer(1...10_000_000), default: 10_000, help: "Beyond this many entries the oldest are evicted, with a warning."),
            FieldSpec(
                "max_bytes", .integer(1...(1 << 40)), default: .int(64 << 20), help: "Beyond this many bytes the oldest entries are evicted, with a warning."),
            FieldSpec(
                "if_empty",
                .choice([
                    Choice("continue", help: "No payloads, and a warning."),
                    Choice("fail", help: "Fail the step."),
                ]), default: "continue", help: "What a load that finds nothing does."),
            ExpressionLimits.field,
        ]),
        example: """
            - id: remember-stock
              cache:
                action: add
                name: stock-levels
                scope: installation
                key: sku
                ttl: 1h
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(
            caches: caches, now: now, action: Action(rawValue: settings.string("action")) ?? .add, name: settings.string("name"),
            scope: Scope(rawValue: settings.string("scope")) ?? .flow, key: settings.optional.expression("key"), ttl: settings.duration("ttl"),
            maxEntries: settings.int("max_entries"), maxBytes: settings.int("max_bytes"), failIfEmpty: settings.string("if_empty") == "fail",
            limits: ExpressionLimits(settings.optional.object("limits")))
    }

    struct Executor: ShapeExecutor {
        let caches: (any CacheStore)?
        let now: ShapeClock
        let action: Action
        let name: String
        let scope: Scope
        let key: ShapeExpression?
        let ttl: Duration
        let maxEntries: Int
        let maxBytes: Int
        let failIfEmpty: Bool
        let limits: ExpressionLimits

        func address(_ context: ShapeContext) -> CacheAddress {
            switch scope {
            case .run: CacheAddress(scope: "run:\(context.runID)", name: name)
            case .flow: CacheAddress(scope: "flow:\(context.flowID)", name: name)
            case .installation: CacheAddress(scope: "installation", name: name)
            }
        }

        func keys(_ input: [Payload], context: ShapeContext) throws -> [String] {
            try input.enumerated().map { index, payload in
                guard let key else { return String(index) }
                let value = try key.evaluate(try payload.document(index: index), payloadIndex: index, limits: limits, context: context)
                guard let text = KeyText.text(value) else {
                    throw ShapeFailure("step '\(context.shapeID)', cache.key, payload \(index): '\(key.source)' gave no key (undefined or null)")
                }
                return text
            }
        }

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            guard let caches else { throw ShapeFailure("step '\(context.shapeID)': no cache store is configured") }
            let address = address(context)
            let time = now()
            switch action {
            case .add:
                let keys = try self.keys(input, context: context)
                let expiresAt = time.addingTimeInterval(ttl.seconds)
                let entries = zip(keys, input).map { CacheEntry(key: $0, payload: $1, expiresAt: expiresAt) }
                let evicted = try await caches.cacheAdd(address, entries: entries, maxEntries: maxEntries, maxBytes: maxBytes, now: time)
                let warnings =
                    evicted > 0
                    ? [
                        "cache '\(name)' (\(scope.rawValue)) was full: \(evicted) oldest entr\(evicted == 1 ? "y" : "ies") evicted (max_entries \(maxEntries), max_bytes \(maxBytes))"
                    ]
                    : []
                return ShapeResult(outputs: input, warnings: warnings)
            case .load:
                let wanted = key == nil ? nil : try self.keys(input, context: context)
                let entries = try await caches.cacheLoad(address, keys: wanted, now: time)
                if entries.isEmpty {
                    let message = "cache '\(name)' (\(scope.rawValue)) has no \(wanted == nil ? "entries" : "entries for these keys")"
                    if failIfEmpty { throw ShapeFailure("step '\(context.shapeID)': \(message)") }
                    return ShapeResult(outputs: [], warnings: [message])
                }
                return ShapeResult(outputs: entries.map(\.payload))
            case .clear:
                _ = try await caches.cacheClear(address)
                return ShapeResult(outputs: input)
            }
        }
    }
}
