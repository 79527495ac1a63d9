public import Foundation

extension CronSchedule {
    /// The most fire times one preview lists.
    public static let maximumPreview = 20

    /// The next `count` (at most `maximumPreview`) times the schedule fires after `date`, in
    /// order — what the flow builder shows under a cron field ("next runs"). Fewer when the
    /// schedule fires less often within five years (`0 0 30 2 *` never does).
    public func nextFires(after date: Date, count: Int) -> [Date] {
        var fires: [Date] = []
        var time = Int64(date.timeIntervalSince1970.rounded(.down))
        while fires.count < min(max(count, 0), Self.maximumPreview), let next = nextFire(after: time) {
            fires.append(Date(timeIntervalSince1970: TimeInterval(next)))
            time = next
        }
        return fires
    }
}
