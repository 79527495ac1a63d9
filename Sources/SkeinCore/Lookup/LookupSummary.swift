public import Foundation

/// One lookup table as a list shows it: no rows, only how many.
public struct LookupSummary: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var defaultValue: String?
    public var rowCount: Int
    public var updatedAt: Date

    public init(name: String, description: String, defaultValue: String?, rowCount: Int, updatedAt: Date) {
        self.name = name
        self.description = description
        self.defaultValue = defaultValue
        self.rowCount = rowCount
        self.updatedAt = updatedAt
    }
}
