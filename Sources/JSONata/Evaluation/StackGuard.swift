#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Protects the native stack from deep recursion in expressions.
///
/// The depth limit alone cannot know how much stack the current thread has (a debug build uses
/// far more per level than a release build, and threads differ in size), so once an evaluation
/// gets deep the evaluator also compares the stack pointer with the thread's stack bounds and
/// stops with `U1001` while a safety margin remains.
enum StackGuard {
    /// Stack kept free for native code running below the last checked evaluation level.
    static let margin: UInt = 256 * 1024

    /// An address inside the current stack frame.
    @inline(never)
    static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// The lowest address evaluation may reach on this thread (`0` when it cannot be determined).
    static func lowestSafeAddress() -> UInt {
        #if canImport(Glibc) || canImport(Musl)
            // pthread_getattr_np is a GNU extension the Glibc module does not export; look it up.
            typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return 0 }
            let getattr = unsafeBitCast(symbol, to: GetAttr.self)
            var attributes = pthread_attr_t()
            guard getattr(pthread_self(), &attributes) == 0 else { return 0 }
            defer { pthread_attr_destroy(&attributes) }
            var base: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base else { return 0 }
            return UInt(bitPattern: base) + margin
        #elseif canImport(Darwin)
            let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
            let size = UInt(pthread_get_stacksize_np(pthread_self()))
            return top - size + margin
        #else
            return 0
        #endif
    }
}

/// Tells a recursive pass when the native stack is nearly used up; finds the thread's bounds
/// the first time it is asked, so a shallow pass never pays for it.
struct StackProbe {
    private var floor: UInt = 0

    mutating func isExhausted() -> Bool {
        if floor == 0 { floor = max(1, StackGuard.lowestSafeAddress()) }
        return StackGuard.currentAddress() < floor
    }
}
