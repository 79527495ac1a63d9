import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Prints the HTTP calls steps recorded (already redacted when recorded) for people:
/// request line, headers and body, then the response, bodies cut at 2 KB.
enum CallText {
    static let bodyLimit = 2048

    static func print(_ steps: [StepRecord]) {
        for step in steps where !step.calls.isEmpty {
            Swift.print("\ncalls of step \(step.sequence) \(step.shapeID) (\(step.calls.count)):")
            for (index, call) in step.calls.enumerated() {
                let object = call.objectValue ?? [:]
                let method = object["method"]?.stringValue ?? "?"
                let url = object["url"]?.stringValue ?? "?"
                let status = object["status"].flatMap { $0 == .null ? nil : $0.serialized() } ?? "no response"
                let duration = object["duration_ms"].map { "\($0.serialized())ms" } ?? ""
                Swift.print("[\(index + 1)] \(method) \(url) -> \(status) \(duration)")
                headers(object["request_headers"], prefix: "    > ")
                body(object["request_body"], prefix: "    > ")
                headers(object["response_headers"], prefix: "    < ")
                body(object["response_body"], prefix: "    < ")
                if let error = object["error"]?.stringValue { Swift.print("    ! \(error)") }
            }
        }
    }

    private static func headers(_ value: JSON?, prefix: String) {
        guard let headers = value?.objectValue else { return }
        for (name, value) in headers { Swift.print("\(prefix)\(name): \(value.stringValue ?? value.serialized())") }
    }

    private static func body(_ value: JSON?, prefix: String) {
        guard let text = value?.stringValue, !text.isEmpty else { return }
        let cut = text.utf8.count > bodyLimit ? String(decoding: text.utf8.prefix(bodyLimit), as: UTF8.self) + " [trimmed]" : text
        for line in cut.split(separator: "\n", omittingEmptySubsequences: false) { Swift.print("\(prefix)\(line)") }
    }
}

/// Byte counts for people: `512 B`, `12.3 KB`, `104.9 MB`.
enum ByteCount {
    static func text(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}
