public import Foundation

/// The time shapes that store things use, so tests can move it (expiry, retention).
public typealias ShapeClock = @Sendable () -> Date

extension String {
    /// At most `limit` characters, marking a cut.
    func clipped(_ limit: Int) -> String {
        count <= limit ? self : String(prefix(limit)) + "… [clipped]"
    }
}
