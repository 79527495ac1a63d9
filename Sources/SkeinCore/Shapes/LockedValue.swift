import Synchronization

/// A lock around a value, usable from any task (wraps the standard library's `Mutex`).
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Synchronization.Mutex<Value>

    public init(_ value: Value) { mutex = Synchronization.Mutex(value) }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}
