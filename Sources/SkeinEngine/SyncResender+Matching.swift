public import SkeinCore
import SkeinStorage

extension SyncResender {
    /// Resends every entry matching `query`'s window and filters (a mass resync), calling
    /// `each` with every entry as it is afterwards. Returns how many were resent.
    ///
    /// Pages go by sync id, so entries leaving the filter as they are resent (Failed → OK) do
    /// not shift the pages; entries created meanwhile past the last page are not chased.
    /// At most `limit` entries are resent (the API caps one request), the lowest ids first.
    /// `skein sync resync --status failed`, the API's resync by filter and the web UI's
    /// "resync all matching" all use it. `includeOK: false` leaves OK entries out (they would be
    /// sent again anyway: a resync of an OK entry overrides the delivery ledger).
    @discardableResult
    public func resendAll(
        matching query: SyncQuery, limit: Int = .max, includeOK: Bool = true,
        each: (SyncEntry) async throws -> Void = { _ in }
    ) async throws -> Int {
        var byID = query
        byID.sort = .id
        byID.descending = false
        byID.after = nil
        byID.limit = 500
        var count = 0
        repeat {
            let page = try await store.syncEntries(byID)
            for entry in page.entries.filter({ includeOK || $0.status != .ok }).prefix(limit - count) {
                try await each(try await resend(id: entry.id, manual: true))
                count += 1
            }
            byID.after = page.next
        } while byID.after != nil && count < limit
        return count
    }
}
