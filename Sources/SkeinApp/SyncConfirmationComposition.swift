public import SkeinEngine

extension SkeinEnvironment {
    /// Checks Sent sync entries for their destination's confirmation (acknowledgement files)
    /// every `SKEIN_SYNC_CONFIRM_INTERVAL` (a duration such as `10s`; 30 seconds by default).
    public func syncConfirmationService() -> SyncConfirmationService {
        SyncConfirmationService(resender: syncResender(), logger: logger, interval: configuration.syncConfirmationInterval)
    }
}
