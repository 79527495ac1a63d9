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

    static let receiveOnly = SpecCondition.equals("direction", "receive")
    static let sendOnly = SpecCondition.equals("direction", "send")

    static let spec = ObjectSpec(
        [
            FieldSpec("instance", .instance, required: true, help: "An `sftp` instance (address `host[:port]`, a pinned host key, credentials)."),
            FieldSpec(
                "direction",
                .choice([
                    Choice("receive", help: "One payload per matching file, its bytes untouched."),
                    Choice("send", help: "One file per payload."),
                ]), required: true, help: "Whether the step reads files or writes them."),
            FieldSpec("path", .string, required: true, help: "The remote directory to read from or write into."),
            FieldSpec("pattern", .string, default: "*", help: "Receive: `*` and `?` wildcards on the file name; `*` never matches hidden files."),
            FieldSpec(
                "after",
                .choice([
                    Choice("keep", help: "Leave the file."),
                    Choice("delete", help: "Delete it once its payload is stored."),
                    Choice("move", help: "Move it to `move_to` once its payload is stored."),
                ]), default: "keep", help: "Receive: what happens to a file once read."),
            FieldSpec("move_to", .string, help: "Receive with `after: move`: the directory files are moved into."),
            FieldSpec(
                "max_files", .integer(1...100_000), default: 100, help: "Receive: the most files one step reads; more wait for the next run, with a warning."),
            FieldSpec(
                "filename",
                .template(
                    TextRules(
                        check: TextCheck { text in
                            do throws(FileNameTemplate.SyntaxError) { _ = try FileNameTemplate(text); return nil } catch { return error.message }
                        },
                        syntax: "`{{payload.field}}` (a field of a JSON payload), `{{run_id}}`, `{{index}}`, `{{step}}` or a flow variable's name.")),
                help: "Send: the file name per payload; a substituted value may not contain `/`."),
            FieldSpec(
                "sync", .object(SyncSettings.spec(endpointIDMeaning: "an sftp entry's endpoint id is the name of the file written")),
                help: "Send: keep a sync report entry per file written; entries start Sent."),
            FieldSpec("ack", .object(AckSettings.spec), help: "Send with `sync:`: where the destination's acknowledgement files appear."),
        ],
        rules: [
            .onlyWhen("filename", sendOnly, message: "applies to direction: send only"),
            .requiredWhen("move_to", .all([receiveOnly, .equals("after", "move")]), message: "required when after: move"),
            .onlyWhen("move_to", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("move_to", .equals("after", "move"), message: "applies to after: move only"),
            .onlyWhen("sync", sendOnly, message: "applies to direction: send only (a sync report lists items sent)"),
            .onlyWhen("ack", sendOnly, message: "applies to direction: send only"),
            .requiredWhen("filename", sendOnly, message: "required field is missing (for direction: send)"),
            .onlyWhen("pattern", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("after", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("max_files", receiveOnly, message: "applies to direction: receive only"),
            .onlyWhen("ack", .present("sync"), message: "needs a sync: block (acknowledgements confirm sync report entries)"),
        ])
}

extension SFTPShapeSettings {
    /// The configuration in validated settings.
    init(_ settings: ValidSettings) {
        self.init(
            instance: settings.string("instance"), direction: Direction(rawValue: settings.string("direction")) ?? .receive,
            path: settings.string("path"), pattern: FileNamePattern(settings.string("pattern")),
            after: After(rawValue: settings.string("after")) ?? .keep, moveTo: settings.optional.string("move_to"),
            maxFiles: settings.int("max_files"), filename: settings.optional.string("filename").flatMap { try? FileNameTemplate($0) },
            sync: settings.optional.object("sync").map(SyncSettings.init), ack: settings.optional.object("ack").map(AckSettings.init))
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

    static let spec = ObjectSpec([
        FieldSpec("path", .string, help: "The directory of the acknowledgement files; default: the send's own `path`."),
        FieldSpec(
            "name",
            .string(
                TextRules(
                    check: TextCheck { name in
                        if !name.contains("{{name}}") && !name.contains("{{stem}}") {
                            return "'\(name)' must contain {{name}} or {{stem}} (the name of the file written)"
                        }
                        return name.contains("/") ? "is a file name, not a path: put the directory in 'path'" : nil
                    })), default: "{{name}}.ack",
            help: "The acknowledgement file's name, from the file written: `{{name}}` (`order-7.json`) or `{{stem}}` (`order-7`)."),
        FieldSpec(
            "after",
            .choice([
                Choice("keep", help: "Leave acknowledgement files for the destination to tidy."),
                Choice("delete", help: "Delete an acknowledgement file once its entry is OK."),
            ]), default: "keep", help: "What happens to an acknowledgement file once read."),
    ])

    /// The acknowledgement file's name for the file `written`.
    func ackName(for written: String) -> String {
        let stem = written.lastIndex(of: ".").map { String(written[..<$0]) } ?? written
        return name.replacingOccurrences(of: "{{name}}", with: written).replacingOccurrences(of: "{{stem}}", with: stem)
    }
}

extension AckSettings {
    init(_ settings: ValidSettings) {
        self.init(path: settings.optional.string("path"), name: settings.string("name"), deleteAfter: settings.string("after") == "delete")
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
