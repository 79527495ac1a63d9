import Foundation
import Logging
import SkeinApp
import SkeinJSON
import Testing

/// Collects the lines a handler writes.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite struct JSONLogHandlerTests {
    @Test func eachEntryIsOneJSONObjectWithItsFields() throws {
        let lines = Lines()
        var logger = Logger(label: "skein") { label in JSONLogHandler(label: label, write: lines.append) }
        logger.logLevel = .info
        logger[metadataKey: "run.id"] = "12"
        logger[metadataKey: "flow.id"] = "orders-to-erp"
        logger.debug("not at this level")
        logger.notice(
            "run \"12\" failed\non two lines",
            metadata: [
                "step.id": "to-erp", "attempts": .stringConvertible(3),
                "tags": ["a", "b"], "http": ["status": "503"],
            ])
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(!line.contains("\n"), "one entry, one line")
        let entry = try JSON(parsing: Array(line.utf8))
        #expect(entry["level"] == "notice")
        #expect(entry["label"] == "skein")
        #expect(entry["message"] == "run \"12\" failed\non two lines")
        #expect(
            entry["metadata"] == [
                "attempts": "3", "flow.id": "orders-to-erp", "http": ["status": "503"], "run.id": "12",
                "step.id": "to-erp", "tags": ["a", "b"],
            ])
        let timestamp = try #require(entry["timestamp"]?.stringValue)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(timestamp)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let written = try #require(formatter.date(from: timestamp))
        #expect(abs(written.timeIntervalSinceNow) < 24 * 3600, "UTC now, not local time or another day")
    }

    @Test func noMetadataMeansNoMetadataField() throws {
        let lines = Lines()
        let logger = Logger(label: "hummingbird") { label in JSONLogHandler(label: label, write: lines.append) }
        logger.info("listening")
        let entry = try JSON(parsing: Array(try #require(lines.all.first).utf8))
        #expect(entry.objectValue?.keys.sorted() == ["label", "level", "message", "timestamp"])
        #expect(entry["label"] == "hummingbird")
    }
}
