import ServiceLifecycle

/// How Skein's periodic `Service`s (schedules, sync retries, sync confirmations) wait between
/// passes, in one place: a wait that a graceful shutdown cuts short, so `skein serve` stops at
/// once on SIGTERM instead of sleeping out the interval (30 s for confirmations).
enum ServicePacing {
    /// False once the service group is shutting down or the task was cancelled.
    static var keepsRunning: Bool { !Task.isCancelled && !Task.isShuttingDownGracefully }

    /// Sleeps for `interval`, or until a graceful shutdown or cancellation, whichever comes first.
    static func pause(_ interval: Duration) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }
}
