public import SkeinEngine
import SkeinCore

extension SkeinEnvironment {
    /// Checks Sent sync entries for their destination's confirmation (acknowledgement files)
    /// every `SKEIN_SYNC_CONFIRM_INTERVAL` (a duration such as `10s`; 30 seconds by default).
    public func syncConfirmationService() throws -> SyncConfirmationService {
        var interval = Duration.seconds(30)
        if let text = environment["SKEIN_SYNC_CONFIRM_INTERVAL"] {
            guard let parsed = DurationText.parse(text), parsed > .zero else {
                throw SkeinSetupError("SKEIN_SYNC_CONFIRM_INTERVAL must be a duration such as 10s or 500ms, found '\(text)'")
            }
            interval = parsed
        }
        return SyncConfirmationService(resender: syncResender(), logger: logger, interval: interval)
    }
}
