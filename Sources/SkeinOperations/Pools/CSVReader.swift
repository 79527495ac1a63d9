import Foundation

/// Reading RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes) for `skein pool import`.
public enum CSVReader {
    public struct SyntaxError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every record of `text`, each a list of fields; blank lines are skipped.
    public static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return iterator.next() }
        func endRecord() {
            record.append(field)
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
            field = ""
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty else { throw SyntaxError(description: "line \(line): a quote inside an unquoted field; quote the whole field") }
                quoted = true
            case ",": record.append(field); field = ""
            case "\r": continue
            case "\n": endRecord(); line += 1
            default: field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw SyntaxError(description: "line \(line): a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }
}
