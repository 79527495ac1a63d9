public import Foundation
public import SkeinJSON

/// The sync report's columns, shared by `skein sync list --json` / `--csv` and the web UI's
/// "download CSV", so every download holds exactly what the list shows, with the additional
/// fields (source and endpoint ids, the latest sync information).
public enum SyncReportColumns {
    public static let names = [
        "sync_id", "status", "system", "reference", "source_id", "endpoint_id", "flow", "flow_version", "run", "step",
        "attempts", "first_attempt", "latest_attempt", "next_retry", "latest_sync_information",
    ]

    /// A UTC time as ISO 8601 with milliseconds (`2026-05-01T12:00:00.000Z`).
    public static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    public static func json(_ entry: SyncEntry) -> JSON {
        [
            "sync_id": .number(Double(entry.id.rawValue)), "status": .string(entry.status.rawValue), "system": .string(entry.system),
            "reference": .string(entry.reference), "source_id": .string(entry.sourceID), "endpoint_id": .string(entry.endpointID),
            "flow": .string(entry.flowID), "flow_version": .number(Double(entry.flowVersion)), "run": .number(Double(entry.runID.rawValue)),
            "step": .string(entry.shapeID), "attempts": .number(Double(entry.attempts)),
            "first_attempt": .string(iso(entry.firstAttemptAt)), "latest_attempt": .string(iso(entry.latestAttemptAt)),
            "next_retry": entry.nextRetryAt.map { .string(iso($0)) } ?? .null,
            "latest_sync_information": .string(entry.latestResponse),
        ]
    }

    /// One CSV row's fields, in `names` order (not yet quoted).
    public static func row(_ entry: SyncEntry) -> [String] {
        [
            String(entry.id), entry.status.rawValue, entry.system, entry.reference, entry.sourceID, entry.endpointID, entry.flowID,
            String(entry.flowVersion), String(entry.runID), entry.shapeID, String(entry.attempts), iso(entry.firstAttemptAt),
            iso(entry.latestAttemptAt), entry.nextRetryAt.map(iso) ?? "", entry.latestResponse,
        ]
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The header line, CRLF-terminated.
    public static var headerLine: String { names.joined(separator: ",") + "\r\n" }

    /// The CSV lines of `entries`, each CRLF-terminated.
    public static func lines(_ entries: [SyncEntry]) -> String {
        var text = ""
        for entry in entries { text += row(entry).map(field).joined(separator: ",") + "\r\n" }
        return text
    }
}
