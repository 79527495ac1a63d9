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

    public var type: String { "cache" }
    public var summary: String { "Add payloads to, or load them from, a named cache (run, flow or installation scope)." }

    enum Action: String, CaseIterable { case add, load, clear }
    enum Scope: String, CaseIterable { case run, flow, installation }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let action = settings.string("action", required: true, allowed: Action.allCases.map(\.rawValue)).flatMap(Action.init(rawValue:))
        let name = settings.string("name", required: true)
        if let name, let problem = DedupeShape.poolNameProblem(name) { settings.report("name", problem.replacingOccurrences(of: "pool", with: "cache")) }
        let scope = settings.string("scope", allowed: Scope.allCases.map(\.rawValue)).flatMap(Scope.init(rawValue:)) ?? .flow
        let key = settings.string("key").flatMap {
            ShapeExpression.compile($0, path: settings.childPath("key"), setting: "cache.key", problems: settings.problems)
        }
        let ttl = settings.duration("ttl") ?? .seconds(86400)
        if ttl <= .zero { settings.report("ttl", "must be more than 0") }
        let maxEntries = settings.int("max_entries", range: 1...10_000_000) ?? 10_000
        let maxBytes = settings.int("max_bytes", range: 1...(1 << 40)) ?? 64 << 20
        let failIfEmpty = (settings.string("if_empty", allowed: ["continue", "fail"]) ?? "continue") == "fail"
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        guard settings.problems.isEmpty, let action, let name else { return nil }
        return Executor(caches: caches, now: now, action: action, name: name, scope: scope, key: key, ttl: ttl,
                        maxEntries: maxEntries, maxBytes: maxBytes, failIfEmpty: failIfEmpty, limits: limits)
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
                let warnings = evicted > 0
                    ? ["cache '\(name)' (\(scope.rawValue)) was full: \(evicted) oldest entr\(evicted == 1 ? "y" : "ies") evicted (max_entries \(maxEntries), max_bytes \(maxBytes))"]
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
