import Foundation
import SkeinCore

extension SkeinEnvironment {
    /// The sync report's retry timing from the environment:
    ///
    /// | variable                    | meaning                                                   | default |
    /// |-----------------------------|-----------------------------------------------------------|---------|
    /// | `SKEIN_SYNC_BACKOFF`        | the first automatic retry's wait; it doubles per retry    | `60s`   |
    /// | `SKEIN_SYNC_RETRY_AFTER_MAX`| the longest `Retry-After` a destination's answer is obeyed | `1h`    |
    ///
    /// A bad value is an error naming the variable, never a silent default.
    static func syncBackoff(_ environment: [String: String]) throws -> SyncBackoff {
        var backoff = SyncBackoff()
        if let base = try duration("SKEIN_SYNC_BACKOFF", environment) {
            backoff = SyncBackoff(base: base, maximum: backoff.maximum, retryAfterLimit: backoff.retryAfterLimit)
        }
        if let limit = try duration("SKEIN_SYNC_RETRY_AFTER_MAX", environment) {
            backoff.retryAfterLimit = limit
        }
        return backoff
    }

    private static func duration(_ name: String, _ environment: [String: String]) throws -> Duration? {
        guard let text = environment[name] else { return nil }
        guard let value = DurationText.parse(text), value > .zero else {
            throw SkeinSetupError("\(name) must be a duration such as 30s or 500ms, found '\(text)'")
        }
        return value
    }
}
