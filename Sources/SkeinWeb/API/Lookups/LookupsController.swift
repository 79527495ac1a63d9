import Foundation
import Hummingbird
import NIOCore
import SkeinCore
import SkeinJSON
import SkeinOperations

/// Cross-reference lookup tables (docs/lookups.md): `GET/POST /lookups`, `GET/PUT/DELETE
/// /lookups/{name}`, and the rows as CSV: `GET /lookups/{name}/rows.csv` (export) and
/// `POST /lookups/{name}/rows.csv` (import: adds and updates rows, at most 5 MB).
/// Reads: viewer; changes: builder.
struct LookupsController: Sendable {
    let operations: Operations

    var lookups: LookupOperations { operations.lookups }

    func addRoutes(to group: RouterGroup<SkeinRequestContext>) {
        group.get("lookups") { _, context in
            JSONResponse.ok(["lookups": .array(try await lookups.list(context.identity).map(Self.json))])
        }
        group.post("lookups") { request, context in
            try Permission.build.require(context.identity)
            let body = try await Self.body(request)
            let table = try Self.table(body, name: try body.string("name", required: true) ?? "")
            try await lookups.create(context.identity, table)
            return JSONResponse.make(status: .created, try await shown(context.identity, table.name))
        }
        group.get("lookups/:name") { _, context in
            JSONResponse.ok(try await shown(context.identity, try context.string("name")))
        }
        group.put("lookups/:name") { request, context in
            try Permission.build.require(context.identity)
            let name = try context.string("name")
            let created = try await lookups.replace(context.identity, try Self.table(try await Self.body(request), name: name))
            return JSONResponse.make(status: created ? .created : .ok, try await shown(context.identity, name))
        }
        group.delete("lookups/:name") { _, context in
            try await lookups.delete(context.identity, name: try context.string("name"))
            return Response(status: .noContent)
        }
        group.get("lookups/:name/rows.csv") { _, context in
            let name = try context.string("name")
            let text = try await lookups.exportCSV(context.identity, name: name)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(name).csv\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        group.post("lookups/:name/rows.csv") { request, context in
            try Permission.build.require(context.identity)
            let name = try context.string("name")
            let bytes = try await Self.csvBody(request)
            let counts = try await lookups.importCSV(context.identity, name: name, bytes: bytes, file: "the CSV")
            return JSONResponse.ok([
                "added": APIJSON.number(counts.added), "updated": APIJSON.number(counts.updated),
                "unchanged": APIJSON.number(counts.unchanged),
            ])
        }
    }

    func shown(_ caller: Identity?, _ name: String) async throws -> JSON {
        let (table, updatedAt) = try await lookups.table(caller, name: name)
        var object =
            Self.json(
                LookupSummary(
                    name: table.name, description: table.description, defaultValue: table.defaultValue,
                    rowCount: table.rows.count, updatedAt: updatedAt)
            ).objectValue ?? [:]
        object["rows"] = .array(table.rows.map { ["left": .string($0.left), "right": .string($0.right)] })
        return .object(object)
    }

    static func json(_ summary: LookupSummary) -> JSON {
        [
            "name": .string(summary.name), "description": .string(summary.description), "default": summary.defaultValue.map(JSON.string) ?? .null,
            "row_count": APIJSON.number(summary.rowCount), "updated_at": APIJSON.iso(summary.updatedAt),
        ]
    }

    /// The body (read after the permission check, so a viewer learns nothing from a bad body),
    /// at most the API's 10 MiB: larger tables arrive as CSV imports of up to 5 MB each.
    static func body(_ request: Request) async throws -> JSON.Object {
        var request = request
        return try await request.jsonObject()
    }

    /// The CSV body of an import: 413 past `LookupLimits.maxImportBytes`.
    static func csvBody(_ request: Request) async throws -> [UInt8] {
        var request = request
        return Array(try await request.text(limit: LookupLimits.maxImportBytes).utf8)
    }

    /// A table from a body: `description` (default ""), `default` (null: none), `rows` (`[{"left", "right"}]`, default none).
    static func table(_ body: JSON.Object, name: String) throws -> LookupTable {
        var rows: [LookupRow] = []
        if let value = body["rows"], value != .null {
            guard case .array(let members) = value else {
                throw APIError.invalid("rows", "rows must be an array of {\"left\", \"right\"}, found \(value.typeName)")
            }
            for (index, member) in members.enumerated() {
                guard case .object(let row) = member, case .string(let left)? = row["left"], case .string(let right)? = row["right"] else {
                    throw APIError.invalid("rows[\(index)]", "rows[\(index)] must be {\"left\": string, \"right\": string}")
                }
                rows.append(LookupRow(left: left, right: right))
            }
        }
        return LookupTable(name: name, description: try body.string("description") ?? "", defaultValue: try body.string("default"), rows: rows)
    }
}
