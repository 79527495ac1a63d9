import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkeinApp
import SkeinEngine

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Skein: the scheduler and the workers that execute queued runs.",
        discussion: """
            Runs interrupted by a crash are resumed once their lease expires (--lease seconds). Pending sync entries are \
            retried with backoff (SKEIN_SYNC_BACKOFF, 1m by default, doubling) up to each flow's sync_retries.
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "How many runs to execute at once.") var concurrency: Int = 4
    @Option(help: "Seconds a worker's claim on a run lasts without renewal.") var lease: Int = 15
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let environment = try options.environment(logLevel: level)
        let logger = environment.logger
        let owner = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let worker = RunWorker(configuration: .init(owner: owner, concurrency: concurrency, leaseDuration: .seconds(lease)),
                               executor: environment.executor(), logger: logger)
        let scheduler = Scheduler(store: environment.store, logger: logger)
        let syncRetries = SyncRetryService(resender: environment.syncResender(), logger: logger)
        logger.notice("skein serve started", metadata: ["data": "\(environment.dataDirectory.path)", "worker": "\(owner)"])
        let group = ServiceGroup(configuration: .init(services: [worker, scheduler, syncRetries], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
