public import AsyncHTTPClient
public import SkeinCore
public import SkeinStorage

/// The shapes of this target (and `set_variables`, pure but registered with them), wired to a store (pools, caches, tracked data) and the process's
/// shared HTTP client (POST notifications). `SkeinEnvironment` registers them in every catalog.
/// Without a store they read and validate flows but cannot run.
public enum StoredShapes {
    public static func all(
        store: (any DataPoolKeys & CacheStore & TrackedDataStore)?, client: HTTPClient?,
        scriptSandbox: ScriptSandbox = .automatic
    ) -> [any ShapeKind] {
        [
            SetVariablesShape(), DedupeShape(pools: store), CacheShape(caches: store), TrackDataShape(tracked: store), ScriptShape(sandbox: scriptSandbox),
            NotifyShape(client: client),
        ]
    }
}
