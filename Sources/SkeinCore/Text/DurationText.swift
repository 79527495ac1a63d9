public import SkeinJSON

/// Durations as people write them in flow files: `500ms`, `2s`, `1.5m`, `1h`, `7d`, or a number
/// of seconds (`30`, `0.25`).
///
/// The grammar is exactly `DurationText.pattern`, which the JSON Schema for flow files uses too,
/// so an editor and `skein flow validate` accept the same texts.
public enum DurationText {
    /// An unsigned decimal number with an optional unit, spaces around allowed.
    public static let pattern = #"^\s*[0-9]+(\.[0-9]+)?(ms|s|m|h|d)?\s*$"#

    /// Nothing longer is accepted (about 317 years): enough for any retention, and far from
    /// overflowing a `Duration` in milliseconds.
    public static let maximumSeconds: Double = 10_000_000_000

    public static func parse(_ value: JSON) -> Duration? {
        switch value {
        case .number(let seconds): return duration(seconds: seconds)
        case .string(let text): return parse(text)
        default: return nil
        }
    }

    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingSpaces())
        var scale = 1.0
        for (suffix, unit) in [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)] where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
            scale = unit
            break
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let amount = Double(rest)
        else { return nil }
        return duration(seconds: amount * scale)
    }

    static func duration(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// `1.5s`, `250ms`, `2m`: the shortest readable form.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 86_400_000 == 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        let seconds = Double(milliseconds) / 1000
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}

/// Sizes as people write them: `512MB`, `2GB`, `64K`, `65536` (bytes); units are powers of 1024
/// and their case does not matter. The grammar is exactly `ByteSizeText.pattern`.
public enum ByteSizeText {
    public static let pattern = #"^\s*[0-9]+(\.[0-9]+)?\s*([KkMmGg][Bb]?|[Bb])?\s*$"#

    /// A petabyte: no setting needs more, and it stays far from overflowing.
    public static let maximum = 1 << 50

    public static func parse(_ value: JSON) -> Int? {
        switch value {
        case .number(let number) where number >= 0 && number == number.rounded() && number <= Double(maximum): return Int(number)
        case .string(let text): return parse(text)
        default: return nil
        }
    }

    public static func parse(_ text: String) -> Int? {
        var rest = Substring(text.trimmingSpaces().uppercased())
        var scale = 1
        for (suffix, unit) in [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
            scale = unit
            break
        }
        let number = rest.trimmingSpaces()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let amount = Double(number)
        else { return nil }
        let bytes = amount * Double(scale)
        guard bytes <= Double(maximum) else { return nil }
        return Int(bytes)
    }

    /// `1 GB`, `200 MB`, `4096 bytes`.
    public static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GB" }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MB" }
        return "\(bytes) bytes"
    }
}

extension Duration {
    /// The duration in whole milliseconds (rounded down), as settings, APIs and logs give it.
    public var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
