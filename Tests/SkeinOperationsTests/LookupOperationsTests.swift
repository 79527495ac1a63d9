import Foundation
import SkeinCore
import SkeinOperations
import SkeinStorageMemory
import Testing

/// The lookup use cases every front end shares: who may do what, and the refusals' fields and messages.
@Suite struct LookupOperationsTests {
    let viewer = Identity(username: "vera", role: .viewer, method: .token)
    let builder = Identity(username: "bob", role: .builder, method: .token)

    func lookups() -> LookupOperations { Operations(store: MemoryStore()).lookups }

    @Test func everyoneReadsButOnlyBuildersChange() async throws {
        let lookups = lookups()
        await #expect(throws: OperationError(.forbidden, "this needs the builder role; vera is viewer")) {
            try await lookups.create(viewer, LookupTable(name: "codes"))
        }
        try await lookups.create(builder, LookupTable(name: "codes", defaultValue: "X"))
        #expect(try await lookups.list(viewer).map(\.name) == ["codes"])
        await #expect(throws: OperationError.self) { try await lookups.setRow(viewer, name: "codes", row: LookupRow(left: "a", right: "b")) }
        await #expect(throws: OperationError.self) { try await lookups.delete(viewer, name: "codes") }
        #expect(try await lookups.setRow(builder, name: "codes", row: LookupRow(left: "a", right: "b")))
        #expect(try await lookups.exportCSV(viewer, name: "codes") == "left,right\r\na,b\r\n")
        #expect(try await lookups.forExpression(viewer, #"$lookup("codes", "zz")"#).functions.count == 1)
    }

    @Test func refusalsNameTheFieldAndTheLine() async throws {
        let lookups = lookups()
        await #expect(throws: OperationError.invalid("name", "lookup name 'No' must be lowercase letters, digits, '-' or '_', starting with a letter or digit"))
        {
            try await lookups.create(builder, LookupTable(name: "No"))
        }
        try await lookups.create(builder, LookupTable(name: "codes"))
        await #expect(throws: OperationError.conflict("lookup table 'codes' already exists; change it, or delete it first")) {
            try await lookups.create(builder, LookupTable(name: "codes"))
        }
        await #expect(throws: OperationError.invalid("rows[1].left", "row 1: left value 'a' is given twice (left values are unique)")) {
            try await lookups.replace(builder, LookupTable(name: "codes", rows: [LookupRow(left: "a", right: "1"), LookupRow(left: "a", right: "2")]))
        }
        await #expect(throws: OperationError.invalid("file", "codes.csv line 3: expected 2 fields (left,right), found 3")) {
            _ = try await lookups.importCSV(builder, name: "codes", bytes: Array("left,right\na,1\nb,2,3\n".utf8), file: "codes.csv")
        }
        await #expect(throws: OperationError.notFound("no lookup table named 'other' (skein lookup list shows them)")) {
            _ = try await lookups.importCSV(builder, name: "other", bytes: Array("left,right\na,1\n".utf8), file: "codes.csv")
        }
        await #expect(throws: OperationError.notFound("lookup table 'codes' has no row whose left value is 'a'")) {
            try await lookups.removeRow(builder, name: "codes", left: "a")
        }
        #expect(try await lookups.table(viewer, name: "codes").table.rows.isEmpty, "nothing was imported")
    }
}
