import Foundation
import SkeinCore
import SkeinStorage

/// Lookup tables: saved and replaced whole, listed with row counts, imported into (update and
/// add, all or nothing, rows in the order added), a row removed, deleted with their rows.
enum LookupChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("lookup tables are saved, replaced whole, listed by name with row counts and deleted with their rows") { open in
            let store = try await open()
            let shipping = LookupTable(
                name: "shipping-codes", description: "shop method → WMS carrier", defaultValue: "STD",
                rows: [
                    LookupRow(left: "express", right: "DHL-EXP"), LookupRow(left: "standard", right: "DHL"),
                    LookupRow(left: "pickup", right: ""),
                ])
            try await store.saveLookup(shipping, updatedAt: t0)
            try await store.saveLookup(LookupTable(name: "countries"), updatedAt: t0 + 1)
            try expectEqual(try await open().lookup(named: "shipping-codes"), shipping, "rows come back in the order saved, empty right values kept")
            try expectEqual(try await store.lookup(named: "nope"), nil)
            try expectEqual(
                try await store.lookups(),
                [
                    LookupSummary(name: "countries", description: "", defaultValue: nil, rowCount: 0, updatedAt: t0 + 1),
                    LookupSummary(name: "shipping-codes", description: "shop method → WMS carrier", defaultValue: "STD", rowCount: 3, updatedAt: t0),
                ])
            let replaced = LookupTable(name: "shipping-codes", description: "", defaultValue: nil, rows: [LookupRow(left: "standard", right: "UPS")])
            try await store.saveLookup(replaced, updatedAt: t0 + 2)
            try expectEqual(try await store.lookup(named: "shipping-codes"), replaced, "a save replaces description, default and rows")
            try expect(try await store.deleteLookup(named: "shipping-codes"))
            try expect(!(try await store.deleteLookup(named: "shipping-codes")), "a second delete finds nothing")
            try expectEqual(try await store.lookups().map(\.name), ["countries"])
            try await store.saveLookup(LookupTable(name: "shipping-codes"), updatedAt: t0 + 3)
            try expectEqual(try await store.lookup(named: "shipping-codes")?.rows, [], "the deleted table's rows went with it")
        },
        ConformanceCheck("a lookup import updates and adds rows in order, never deletes, and counts what it did") { open in
            let store = try await open()
            try await store.saveLookup(
                LookupTable(
                    name: "wh",
                    rows: [
                        LookupRow(left: "a", right: "1"), LookupRow(left: "b", right: "2"),
                        LookupRow(left: "c", right: "3"),
                    ]), updatedAt: t0)
            let counts = try await store.importLookupRows(
                "wh",
                rows: [
                    LookupRow(left: "d", right: "4"), LookupRow(left: "b", right: "20"),
                    LookupRow(left: "a", right: "1"), LookupRow(left: "e", right: "5"),
                ], now: t0 + 10)
            try expectEqual(counts, LookupMergeCounts(added: 2, updated: 1, unchanged: 1))
            try expectEqual(
                try await open().lookup(named: "wh")?.rows,
                [
                    LookupRow(left: "a", right: "1"), LookupRow(left: "b", right: "20"), LookupRow(left: "c", right: "3"),
                    LookupRow(left: "d", right: "4"), LookupRow(left: "e", right: "5"),
                ])
            try expectEqual(try await store.lookups().first?.updatedAt, t0 + 10, "an import changes the table's time")
            try expect(try await store.removeLookupRow("wh", left: "b", now: t0 + 20))
            try expect(!(try await store.removeLookupRow("wh", left: "b", now: t0 + 21)), "the row is gone")
            try expect(!(try await store.removeLookupRow("nope", left: "b", now: t0 + 21)), "no such table")
            _ = try await store.importLookupRows("wh", rows: [LookupRow(left: "b", right: "again")], now: t0 + 30)
            try expectEqual(try await store.lookup(named: "wh")?.rows.map(\.left), ["a", "c", "d", "e", "b"], "a row added again goes at the end")
            try expectEqual(try await store.lookups().first?.updatedAt, t0 + 30)
        },
        ConformanceCheck("a lookup import into a missing table, or past the row limit, changes nothing") { open in
            let store = try await open()
            do {
                _ = try await store.importLookupRows("missing", rows: [LookupRow(left: "a", right: "1")], now: t0)
                throw ConformanceFailure(description: "an import into a missing table succeeded")
            } catch let error as StorageError {
                try expectEqual(error.code, .notFound)
            }
            let full = (1...LookupLimits.maxRows).map { LookupRow(left: "k\($0)", right: "v") }
            try await store.saveLookup(LookupTable(name: "full", rows: full), updatedAt: t0)
            do {
                _ = try await store.importLookupRows(
                    "full", rows: [LookupRow(left: "k1", right: "changed"), LookupRow(left: "new", right: "v")],
                    now: t0 + 1)
                throw ConformanceFailure(description: "an import past the row limit succeeded")
            } catch let error as StorageError {
                try expectEqual(error.code, .conflict)
                try expect(error.message.contains("at most \(LookupLimits.maxRows)"), error.message)
            }
            let after = try await open().lookup(named: "full")
            try expectEqual(after?.rows.count, LookupLimits.maxRows)
            try expectEqual(after?.rows.first, LookupRow(left: "k1", right: "v"), "the refused import changed nothing")
            try expectEqual(try await store.lookups().first?.updatedAt, t0)
        },
    ]
}
