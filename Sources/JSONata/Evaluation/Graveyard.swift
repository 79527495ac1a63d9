#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Releases chains of functions and scopes without recursing once per link.
///
/// Swift releases an object's properties inside its `deinit`, so dropping the last reference to
/// a chain — a function that captured a scope holding a function that captured a scope...,
/// which a loop can build 100,000 links long in constant stack — releases it recursively and
/// can overflow the stack. The classes that form such chains (`Frame`, `Lambda`,
/// `NativeFunction`, `PartialNative`) hand what they hold to the graveyard in their `deinit`.
/// Each call releases what earlier calls left, in a loop (the links it releases bury their own
/// remains, which the same loop then releases), and leaves its own remains for later: their
/// owner is still being destroyed, and releasing them inside its `deinit` would recurse again.
/// `drain()` releases the rest once an evaluation is over.
enum Graveyard {
    static func bury(_ remains: Any) {
        let plot = Plot.current
        if plot.draining {
            plot.pending.append(remains)
            return
        }
        plot.release()
        plot.pending.append(remains)
    }

    /// Releases everything buried on this thread (call where no `deinit` is running).
    static func drain() {
        let plot = Plot.current
        if !plot.draining { plot.release() }
    }

    /// One thread's graveyard.
    private final class Plot {
        var pending: [Any] = []
        var draining = false

        func release() {
            guard !pending.isEmpty else { return }
            draining = true
            while !pending.isEmpty {
                // take the batch out first: releasing an item may bury more, which appends to
                // `pending`, so no access to `pending` may be in progress while items go
                var batch: [Any] = []
                swap(&batch, &pending)
                while let item = batch.popLast() { withExtendedLifetime(item) {} }
            }
            draining = false
        }

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key) { pointer in
                #if canImport(Darwin)
                    Unmanaged<Plot>.fromOpaque(pointer).release()
                #else
                    if let pointer { Unmanaged<Plot>.fromOpaque(pointer).release() }
                #endif
            }
            return key
        }()

        static var current: Plot {
            if let pointer = pthread_getspecific(key) { return Unmanaged<Plot>.fromOpaque(pointer).takeUnretainedValue() }
            let plot = Plot()
            pthread_setspecific(key, Unmanaged.passRetained(plot).toOpaque())
            return plot
        }
    }
}
