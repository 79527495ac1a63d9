import Foundation
import SkeinCore

/// How values read on the pages: UTC times, durations, sizes, status badges.
enum Format {
    /// `2026-05-01 12:00:05` (UTC).
    static func time(_ date: Date?) -> String {
        guard let date else { return "–" }
        let text = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
        return String(text.replacingOccurrences(of: "T", with: " ").prefix(19))
    }

    /// `850 ms`, `4.2 s`, `3 m 05 s`.
    static func duration(from start: Date?, to end: Date?) -> String {
        guard let start, let end else { return "–" }
        let seconds = end.timeIntervalSince(start)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d m %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d m", whole / 3600, (whole % 3600) / 60)
    }

    /// `512 B`, `12.3 KB`, `4.0 MB` (1 KB = 1,000 bytes, as downloads show).
    static func bytes(_ count: Int) -> String {
        if count < 1000 { return "\(count) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(count) / 1000
        var unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// A coloured badge for a run, step or sync status (the CSS class is the status name).
    static func badge(_ status: String) -> HTML {
        "<span class=\"badge badge-\(status)\">\(status.replacingOccurrences(of: "_", with: " "))</span>"
    }
}
