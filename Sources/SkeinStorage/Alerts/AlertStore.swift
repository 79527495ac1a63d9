public import Foundation
public import SkeinCore

/// Notification groups and the alert rate limit's state. Each method is one transaction.
///
/// The rate limit is per flow and group: the first failure sends at once and opens a window;
/// failures inside the window are counted (`PendingDigest`), and when the window ends one
/// digest goes out. The counts are stored, so a restart loses none.
public protocol AlertStore: Sendable {
    /// Adds or replaces the group with this name.
    func saveAlertGroup(_ group: AlertGroup) async throws
    func alertGroup(named name: String) async throws -> AlertGroup?
    /// Every group, by name.
    func alertGroups() async throws -> [AlertGroup]
    /// False when there was no such group.
    func deleteAlertGroup(named name: String) async throws -> Bool

    /// Records failure `event` (`run:42`, `sync:17`) of `flowID` for `group`, once: a second call
    /// with the same event and group answers `.duplicate`. Otherwise `.send` when no window is
    /// open for the flow and group (and opens one until `now + window`), or `.counted` when one is.
    func recordAlertEvent(flowID: String, group: String, event: String, window: TimeInterval, now: Date) async throws -> AlertDecision
    /// Windows that ended by `now` with failures counted in them.
    func dueDigests(now: Date) async throws -> [PendingDigest]
    /// The digest of `flowID` and `group` went out (or was given up): its count is reset and a new
    /// window runs until `now + window`, so at most one message per window reaches the group.
    func digestSent(flowID: String, group: String, window: TimeInterval, now: Date) async throws
    /// Forgets recorded events older than `before` (their windows long closed); returns how many.
    func pruneAlertEvents(before: Date) async throws -> Int
}
