import Foundation

/// The CSV form of a lookup table, shared by every front end (CLI import/export, API, web UI)
/// so a file that imports in one imports in all, with the same errors.
///
/// Format (RFC 4180): a header line `left,right`, then one row per line; fields may be quoted
/// with `"` (a quote inside a quoted field is doubled, and a quoted field may hold commas and
/// line breaks); lines end in LF or CRLF; a UTF-8 byte order mark is ignored; blank lines are
/// skipped. Errors name the line where the bad record starts.
public enum LookupCSV {
    /// A CSV that cannot be imported, with the 1-based line of the problem (0 when it is about
    /// the whole file, such as its size).
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let line: Int
        public let message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// Parses `bytes` into rows. A left value given twice is an error (the second occurrence's
    /// line is named), as is a file over `maxBytes` or with more than `maxRows` rows.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        maxBytes: Int = LookupLimits.maxImportBytes,
        maxRows: Int = LookupLimits.maxRows
    ) throws(ParseError) -> [LookupRow] {
        guard bytes.count <= maxBytes else {
            throw ParseError(line: 0, message: "the CSV is \(bytes.count) bytes; an import takes at most \(maxBytes) bytes")
        }
        var input = Array(bytes)
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        var rows: [LookupRow] = []
        var seen: [String: Int] = [:]
        var sawHeader = false
        var reader = RecordReader(input)
        while let (line, fields) = try reader.next() {
            if fields == [""] { continue }
            guard fields.count == 2 else {
                throw ParseError(line: line, message: "expected 2 fields (left,right), found \(fields.count)")
            }
            if !sawHeader {
                let header = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard header == ["left", "right"] else {
                    throw ParseError(line: line, message: "the first line must be the header 'left,right', found '\(fields.joined(separator: ","))'")
                }
                sawHeader = true
                continue
            }
            for (value, column) in zip(fields, ["left", "right"]) {
                if let problem = LookupLimits.problem(withValue: value, column: column) {
                    throw ParseError(line: line, message: problem)
                }
            }
            if let first = seen[fields[0]] {
                throw ParseError(line: line, message: "left value '\(fields[0])' already given on line \(first)")
            }
            seen[fields[0]] = line
            rows.append(LookupRow(left: fields[0], right: fields[1]))
            guard rows.count <= maxRows else {
                throw ParseError(line: line, message: "more than \(maxRows) rows; a table holds at most \(maxRows)")
            }
        }
        guard sawHeader else { throw ParseError(line: 0, message: "the CSV is empty: expected the header 'left,right'") }
        return rows
    }

    /// The CSV text of `rows`, header first, fields quoted where they need it.
    public static func format(_ rows: [LookupRow]) -> String {
        var text = "left,right\r\n"
        for row in rows {
            text += quoted(row.left) + "," + quoted(row.right) + "\r\n"
        }
        return text
    }

    static func quoted(_ field: String) -> String {
        let needsQuotes =
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || field.first == " " || field.last == " "
            || field.first.map { "=+-@".contains($0) } == true  // no formula injection when opened in a spreadsheet
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads RFC 4180 records one at a time, counting physical lines.
    struct RecordReader {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func next() throws(ParseError) -> (line: Int, fields: [String])? {
            guard index < bytes.count else { return nil }
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var fieldWasQuoted = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: ","):
                    fields.append(try Self.text(field, line: startLine))
                    field = []
                    fieldWasQuoted = false
                case UInt8(ascii: "\""):
                    guard field.isEmpty && !fieldWasQuoted else {
                        throw ParseError(line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    quoted = true
                    fieldWasQuoted = true
                case UInt8(ascii: "\n"):
                    line += 1
                    if field.last == UInt8(ascii: "\r") && !fieldWasQuoted { field.removeLast() }
                    fields.append(try Self.text(field, line: startLine))
                    return (startLine, fields)
                case UInt8(ascii: "\r") where fieldWasQuoted:
                    continue  // CR of a CRLF after a closing quote
                default:
                    guard !fieldWasQuoted else {
                        throw ParseError(line: line, message: "text after a closing quote")
                    }
                    field.append(byte)
                }
            }
            if quoted { throw ParseError(line: startLine, message: "a quoted field is not closed") }
            if field.last == UInt8(ascii: "\r") && !fieldWasQuoted { field.removeLast() }
            fields.append(try Self.text(field, line: startLine))
            return (startLine, fields)
        }

        static func text(_ bytes: [UInt8], line: Int) throws(ParseError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ParseError(line: line, message: "not valid UTF-8")
            }
            return text
        }
    }
}
