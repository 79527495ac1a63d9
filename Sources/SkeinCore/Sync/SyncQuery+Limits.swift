/// Limits on what a sync report query may ask, shared by every surface (API, UI, CLI).
extension SyncQuery {
    /// The longest search term, in characters. References and sync ids are far shorter, and
    /// SQLite refuses LIKE patterns past 50,000 bytes (a 50 KB term answered 500 before).
    public static let maximumSearchLength = 200

    /// Why `search` cannot be used, or nil when it can.
    public static func searchProblem(_ search: String?) -> String? {
        guard let search, search.count > maximumSearchLength else { return nil }
        return "search is \(search.count) characters; a search term is at most \(maximumSearchLength) (a sync id, or part of a reference or system name)"
    }
}
