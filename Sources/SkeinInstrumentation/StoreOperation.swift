/// Times store operations for `skein_store_operation_duration_seconds`. The backends wrap their
/// one transaction helper with it, passing the calling method's `#function`.
public enum StoreOperation {
    /// `enqueue(_:now:)` → `enqueue`: the operation label, one per store method.
    public static func name(_ function: String) -> String {
        String(function.prefix { $0 != "(" })
    }

    public static func measure<T>(backend: String, function: String, _ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let value = try await body()
            SkeinMetric.storeOperationDuration.record(clock.now - started, backend, name(function), "success")
            return value
        } catch {
            SkeinMetric.storeOperationDuration.record(clock.now - started, backend, name(function), "error")
            throw error
        }
    }
}
