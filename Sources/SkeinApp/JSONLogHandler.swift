import Foundation
public import Logging
import SkeinJSON

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes one JSON object per line (`--log-format json`), for log
/// collectors that parse fields instead of text:
///
/// ```json
/// {"timestamp":"2026-12-04T15:04:06.123Z","level":"notice","label":"skein","message":"run failed",
///  "metadata":{"run.id":"12","flow.id":"orders-to-erp","step.id":"to-erp","error":"…"}}
/// ```
///
/// `timestamp` is UTC with milliseconds (RFC 3339); `metadata` (omitted when empty) holds what
/// the code attached: the engine adds `flow.id`, `run.id` and `step.id` where it works on a run or
/// a step. Each line is written with one `write(2)`, so lines from different threads never mix.
/// swift-log ships no JSON handler and none is among the packages this project may use, hence
/// this small one.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler writing to standard error (where the text format writes too).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider, write: JSONLogHandler.writeToStandardError)
    }

    /// A handler handing each line (without its newline) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line: JSON.Object = [
            "timestamp": .string(Self.timestamp()), "level": .string(event.level.rawValue), "label": .string(label),
            "message": .string(event.message.description),
        ]
        if let error = event.error { line["error"] = .string("\(error)") }
        if !merged.isEmpty {
            line["metadata"] = .object(JSON.Object(uniqueKeysWithValues: merged.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }))
        }
        write(JSON.object(line).serialized())
    }

    static func json(_ value: Logger.Metadata.Value) -> JSON {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(JSON.Object(uniqueKeysWithValues: values.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) }))
        }
    }

    /// Now as `2026-12-04T15:04:06.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }

    @Sendable static func writeToStandardError(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// How `skein` writes its log: `text` (swift-log's default lines) or `json` (one object per line).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// Points every logger of the process (Skein's and its libraries') at this format. Call once,
    /// before the first logger is made; later calls do nothing (swift-log allows one bootstrap).
    public func bootstrap() {
        guard self == .json else { return }
        LogFormatBootstrap.once.run { LoggingSystem.bootstrap { label in JSONLogHandler(label: label) } }
    }
}

private final class LogFormatBootstrap: @unchecked Sendable {
    static let once = LogFormatBootstrap()
    private let lock = NSLock()
    private var done = false

    func run(_ body: () -> Void) {
        lock.withLock {
            guard !done else { return }
            done = true
            body()
        }
    }
}
