import ArgumentParser
import Foundation
import SkeinCore

extension FlowCommand {
    /// `skein flow next-runs '0 9 * * MON-FRI'`: when a schedule trigger would fire (one line
    /// each, `Tue 2026-12-08 09:00 UTC`), as the browser's trigger form and
    /// `GET /api/v1/schedules/preview` show it.
    struct NextRuns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next-runs",
            abstract: "Print the next times (UTC) a schedule trigger with this cron expression fires.",
            discussion: """
                Cron: 5 fields (minute hour day-of-month month day-of-week), always UTC, e.g.
                  skein flow next-runs '*/15 * * * *'
                  skein flow next-runs '0 9 * * MON-FRI' --count 10
                """)

        @Argument(help: "The cron expression (quote it).") var cron: String
        @Option(help: "How many fire times (1 to \(CronSchedule.maximumPreview), default 5).") var count = 5

        func validate() throws {
            guard (1...CronSchedule.maximumPreview).contains(count) else {
                throw ValidationError("--count must be from 1 to \(CronSchedule.maximumPreview), found \(count)")
            }
        }

        func run() throws {
            let schedule: CronSchedule
            do { schedule = try CronSchedule(cron) } catch { throw CLIError("cron '\(cron)': \(error)") }
            let fires = schedule.nextFires(after: Date(), count: count)
            guard !fires.isEmpty else { throw CLIError("cron '\(cron)' never fires within the next five years") }
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "UTC")
            format.dateFormat = "EEE yyyy-MM-dd HH:mm 'UTC'"
            for fire in fires { print(format.string(from: fire)) }
        }
    }
}
