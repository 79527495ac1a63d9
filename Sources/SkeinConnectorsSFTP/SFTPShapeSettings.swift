import SkeinCore
import SkeinJSON

/// The settings of one `sftp:` step, read and checked when the flow is read.
///
/// ```yaml
/// sftp: { instance: warehouse, direction: receive, path: /outbound, pattern: "*.csv",
///         after: move, move_to: /archive, max_files: 100 }
/// sftp: { instance: warehouse, direction: send, path: /inbound,
///         filename: "order-{{payload.order_number}}.json" }
/// ```
struct SFTPShapeSettings: Sendable {
    enum Direction: String, Sendable { case receive, send }

    /// What a receive does with a file once its payload is in the step's output.
    enum After: String, Sendable { case keep, delete, move }

    var instance: String
    var direction: Direction
    /// The remote directory to read from or write into.
    var path: String
    var pattern: FileNamePattern
    var after: After
    var moveTo: String?
    var maxFiles: Int
    var filename: FileNameTemplate?
    /// Sends: keep a sync report entry per file written (`sync:`); entries start Sent.
    var sync: SyncSettings?
    /// Sends with `sync:`: where the destination's acknowledgement files appear (`ack:`).
    var ack: AckSettings?

    static func read(_ reader: SettingsReader) -> SFTPShapeSettings? {
        let instance = reader.string("instance", required: true)
        let direction = reader.string("direction", required: true, allowed: ["receive", "send"]).flatMap(Direction.init(rawValue:))
        let path = reader.string("path", required: true)
        let patternText = reader.string("pattern")
        let after = reader.string("after", allowed: ["keep", "delete", "move"]).flatMap(After.init(rawValue:))
        let moveTo = reader.string("move_to")
        let maxFiles = reader.int("max_files", range: 1...100_000)
        var filename: FileNameTemplate?
        if let text = reader.string("filename") {
            do { filename = try FileNameTemplate(text) } catch { reader.report("filename", error.message) }
        }
        let sync = reader.object("sync").flatMap {
            SyncSettings.read($0, endpointIDMeaning: "an sftp entry's endpoint id is the name of the file written")
        }
        let ack = reader.object("ack").flatMap(AckSettings.read)

        if direction == .receive {
            if reader.has("filename") { reader.report("filename", "applies to direction: send only") }
            if after == .move && moveTo == nil { reader.report("move_to", "required when after: move") }
            if moveTo != nil && after != .move { reader.report("move_to", "applies to after: move only") }
            if reader.has("sync") { reader.report("sync", "applies to direction: send only (a sync report lists items sent)") }
            if reader.has("ack") { reader.report("ack", "applies to direction: send only") }
        } else if direction == .send {
            if filename == nil && !reader.has("filename") { reader.report("filename", "required field is missing (for direction: send)") }
            for key in ["pattern", "after", "move_to", "max_files"] where reader.has(key) {
                reader.report(key, "applies to direction: receive only")
            }
            if reader.has("ack") && !reader.has("sync") {
                reader.report("ack", "needs a sync: block (acknowledgements confirm sync report entries)")
            }
        }
        reader.finish()
        guard reader.problems.isEmpty, let instance, let direction, let path else { return nil }
        return SFTPShapeSettings(
            instance: instance, direction: direction, path: path,
            pattern: FileNamePattern(patternText ?? "*"), after: after ?? .keep, moveTo: moveTo,
            maxFiles: maxFiles ?? 100, filename: filename, sync: sync, ack: ack)
    }
}

/// The `ack:` block of an sftp send with `sync:`: where the destination acknowledges a file.
///
/// ```yaml
/// ack: { path: /inbound/acks, name: "{{name}}.ack", after: delete }
/// ```
///
/// `name` is the acknowledgement file's name, from the name of the file written: `{{name}}`
/// (`order-7.json`) or `{{stem}}` (`order-7`); default `{{name}}.ack`. `path` defaults to the
/// send's own directory. `after: delete` removes an acknowledgement file once its entry is OK;
/// `keep` (the default) leaves it for the destination to tidy.
struct AckSettings: Sendable, Equatable {
    var path: String?
    var name: String
    var deleteAfter: Bool

    static func read(_ reader: SettingsReader) -> AckSettings? {
        let path = reader.string("path")
        let name = reader.string("name") ?? "{{name}}.ack"
        let after = reader.string("after", allowed: ["keep", "delete"])
        if !name.contains("{{name}}") && !name.contains("{{stem}}") {
            reader.report("name", "'\(name)' must contain {{name}} or {{stem}} (the name of the file written)")
        } else if name.contains("/") {
            reader.report("name", "is a file name, not a path: put the directory in 'path'")
        }
        reader.finish()
        guard reader.problems.isEmpty else { return nil }
        return AckSettings(path: path, name: name, deleteAfter: after == "delete")
    }

    /// The acknowledgement file's name for the file `written`.
    func ackName(for written: String) -> String {
        let stem = written.lastIndex(of: ".").map { String(written[..<$0]) } ?? written
        return name.replacingOccurrences(of: "{{name}}", with: written).replacingOccurrences(of: "{{stem}}", with: stem)
    }
}

/// A shell-style file name pattern: `*` any run of characters, `?` one character, the rest
/// literal. As in a shell, a name starting with `.` matches only a pattern starting with `.`,
/// so `*` never picks up hidden files or another sender's `.name.skein-part` upload.
struct FileNamePattern: Sendable, Equatable {
    let text: String
    init(_ text: String) { self.text = text }

    func matches(_ name: String) -> Bool {
        if name.hasPrefix("."), !text.hasPrefix(".") { return false }
        return Self.match(Array(text), Array(name))
    }

    private static func match(_ pattern: [Character], _ name: [Character]) -> Bool {
        var p = 0, n = 0
        var star: Int?, resume = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1; n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p; resume = n; p += 1
            } else if let star {
                p = star + 1; resume += 1; n = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
