import Foundation
import SkeinCore
import SkeinJSON
import Testing

/// The sync report's page tokens (`--after`, `after=`): what a page hands out reads back, and
/// anything else is refused rather than reaching a backend.
@Suite struct SyncCursorTests {
    let entry = SyncEntry(
        id: 42, flowID: "orders", flowVersion: 1, runID: 7, shapeID: "post", system: "ERP", reference: "#1001",
        sourceID: "S-1", endpointID: "E-1", status: .ok, attempts: 2, automaticRetries: 1,
        firstAttemptAt: Date(timeIntervalSince1970: 1_795_000_000), latestAttemptAt: Date(timeIntervalSince1970: 1_795_000_060.25),
        nextRetryAt: nil, latestResponse: "201", payloadSize: 10)

    @Test func everySortColumnsTokenReadsBack() throws {
        for sort in SyncSortColumn.allCases {
            let cursor = SyncCursor(after: entry, sortedBy: sort)
            #expect(SyncCursor(token: cursor.token) == cursor, "sort \(sort)")
        }
    }

    @Test func forgedTokensAreRefused() {
        for token in [
            "", "[]", "[1]", "\"x\"", "[1, \"2\"]", "[1, 1.5]", "[1, 1e300]", "[1e300, 1]", "[-1e19, 1]", "[true, 1]",
            "[null, 1]", "[[1], 1]", "[1, 2, 3]",
        ] {
            #expect(SyncCursor(token: token) == nil, "\(token)")
        }
        #expect(SyncCursor(token: "[\"#1001\", 42]") == SyncCursor(value: "#1001", id: 42))
    }
}
