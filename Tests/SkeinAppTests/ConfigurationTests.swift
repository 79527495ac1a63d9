import Foundation
import SkeinApp
import Testing

/// The configuration is read once, from flags, environment variables, the file and defaults (the
/// first that says wins), and checked as a whole: what docs/configuration.md promises.
@Suite struct ConfigurationTests {
    func file(_ text: String) throws -> ConfigurationFile { try ConfigurationFile.parse(text, path: "skein.yaml") }

    func entry(_ configuration: SkeinConfiguration, _ key: String) throws -> ConfigurationEntry {
        try #require(configuration.entries.first { $0.key == key })
    }

    @Test func aFlagWinsOverItsVariableWhichWinsOverTheFileWhichWinsOverTheDefault() throws {
        let configuration = try SkeinConfiguration.resolve(
            flags: ["lease": "40"],
            environment: ["SKEIN_LEASE": "30", "SKEIN_CONCURRENCY": "6"],
            file: file("lease: 20\nconcurrency: 5\nport: 9000\n"))
        #expect(configuration.lease == 40)
        #expect(try entry(configuration, "lease").source == .flag("--lease"))
        #expect(configuration.concurrency == 6)
        #expect(try entry(configuration, "concurrency").source == .environment("SKEIN_CONCURRENCY"))
        #expect(configuration.port == 9000)
        #expect(try entry(configuration, "port").source == .file(path: "skein.yaml", line: 3))
        #expect(configuration.host == "127.0.0.1")
        #expect(try entry(configuration, "host").source == .defaultValue)
        #expect(configuration.alerts.baseURL == "http://127.0.0.1:9000", "the default base URL follows host and port")
        #expect(try entry(configuration, "base_url").value == "http://127.0.0.1:9000")
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        let configuration = try SkeinConfiguration.resolve(environment: ["SKEIN_LEASE": ""], file: file("lease: 20\n"))
        #expect(configuration.lease == 20)
    }

    @Test func everyBadValueIsReportedAtOnceNamingTheSettingAndWhereItCameFrom() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try SkeinConfiguration.resolve(
                flags: ["port": "99999"],
                environment: ["SKEIN_LEASE": "abc", "SKEIN_SYNC_BACKOFF": "soon", "SKEIN_RUN_LOG_BATCH": "0", "SKEIN_WEBHOOK_BATCH": "x"],
                file: try file("role: boss\nkeep_runs: 0d\nlease_time: 3\ndatabase:\n"))
        }
        let problems = try #require(error).problems
        #expect(problems.contains("SKEIN_LEASE=abc (environment): must be a whole number of seconds from 1"))
        #expect(problems.contains("--port 99999 (flag): must be a port number from 0 to 65535"))
        #expect(problems.contains("role: boss (skein.yaml line 1): must be one of api, worker, scheduler, all"))
        #expect(problems.contains("keep_runs: 0d (skein.yaml line 2): must be a duration such as 7d or 36h, or forever"))
        #expect(problems.contains { $0.hasPrefix("skein.yaml line 3: unknown setting 'lease_time'") })
        #expect(problems.contains("skein.yaml line 4: 'database' must be a single value"))
        #expect(problems.contains("SKEIN_SYNC_BACKOFF=soon (environment): must be a duration such as 30s or 500ms"))
        #expect(problems.contains("SKEIN_RUN_LOG_BATCH=0 (environment): must be a whole number of runs from 1"), "no silent 1 or 256")
        #expect(problems.contains("SKEIN_WEBHOOK_BATCH=x (environment): must be a whole number of runs from 1"), "no silent 256")
        #expect(problems.count == 9, "\(problems)")
        #expect(try #require(error).description.hasPrefix("the configuration has 9 problems:\n  - "))
    }

    @Test func secretsAreMaskedInEntriesAndErrors() throws {
        let key = String(repeating: "ab", count: 32)
        let configuration = try SkeinConfiguration.resolve(
            environment: ["SKEIN_DATABASE": "postgres://skein:s3cret@db:5432/skein", "SKEIN_CREDENTIAL_KEY": key, "SKEIN_METRICS_TOKEN": "tok"])
        #expect(try entry(configuration, "database").value == "postgres://skein:***@db:5432/skein")
        #expect(try entry(configuration, "SKEIN_CREDENTIAL_KEY").value == "***")
        #expect(try entry(configuration, "metrics_token").value == "***")
        #expect(configuration.database == "postgres://skein:s3cret@db:5432/skein", "masked for people, not for the store")
        #expect(configuration.credentialKey?.count == 32)
        #expect(!configuration.entries.contains { ($0.value ?? "").contains("s3cret") || ($0.value ?? "").contains(key) })

        let error = #expect(throws: ConfigurationError.self) {
            try SkeinConfiguration.resolve(environment: ["SKEIN_CREDENTIAL_KEY": "not-hex-secret"])
        }
        #expect(try #require(error).problems == ["SKEIN_CREDENTIAL_KEY=*** (environment): must be 64 hexadecimal digits (32 bytes)"])
    }

    @Test func aDatabasePathIsShownAndAURLWithoutPasswordIsShownWhole() throws {
        let path = try SkeinConfiguration.resolve(flags: ["database": "/var/lib/skein.sqlite"], environment: [:])
        #expect(try entry(path, "database").value == "/var/lib/skein.sqlite")
        let noPassword = try SkeinConfiguration.resolve(environment: ["SKEIN_DATABASE": "postgres://skein@db/skein"])
        #expect(try entry(noPassword, "database").value == "postgres://skein@db/skein")
    }

    @Test func theConfigFileComesFromTheFlagOrSKEIN_CONFIGAndIsListedFirst() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("skein.yaml").path
        try "# comment\nrole: worker\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try SkeinConfiguration.load(flags: [:], configPath: nil, environment: ["SKEIN_CONFIG": path])
        #expect(configuration.role == .worker)
        #expect(configuration.entries.first == ConfigurationEntry(key: "config", value: path, source: .environment("SKEIN_CONFIG"), secret: false))
        #expect(try entry(configuration, "role").source == .file(path: path, line: 2))
        let missing = #expect(throws: ConfigurationError.self) {
            try SkeinConfiguration.load(flags: [:], configPath: directory.appendingPathComponent("nope.yaml").path, environment: [:])
        }
        #expect(try #require(missing).description.hasPrefix("cannot read the configuration file"))
    }

    @Test func aFileSettingTwiceOrAFileThatIsNotAMappingIsAProblem() throws {
        let twice = #expect(throws: ConfigurationError.self) { try file("lease: 1\nlease: 2\n") }
        #expect(try #require(twice).description.contains("duplicated key(s): 'lease'"), "Yams refuses a key set twice")
        let error = #expect(throws: ConfigurationError.self) { try file("- lease\n") }
        #expect(try #require(error).problems == ["the configuration file skein.yaml must be a mapping of settings (key: value)"])
        #expect(try file("# nothing yet\n").values.isEmpty)
    }

    @Test func aSettingWithoutDefaultThatIsNotSetHasNoValue() throws {
        let configuration = try SkeinConfiguration.resolve(environment: [:])
        #expect(try entry(configuration, "metrics_token") == ConfigurationEntry(key: "metrics_token", value: nil, source: .defaultValue, secret: true))
        #expect(try entry(configuration, "metrics_port").value == nil)
    }

    @Test func theDefaultsAreTheDocumentedOnes() throws {
        let configuration = try SkeinConfiguration.resolve(environment: [:])
        #expect(configuration.dataDirectory.lastPathComponent == "skein-data")
        #expect(configuration.database == nil)
        #expect(configuration.role == .all && configuration.port == 8080 && configuration.concurrency == 4 && configuration.lease == 15)
        #expect(configuration.keepRuns == .seconds(7 * 86400) && configuration.keepPayloads == .seconds(3 * 86400))
        #expect(configuration.keepDeliveries == .seconds(30 * 86400))
        #expect(configuration.metrics == nil && configuration.runLogBatch == 256 && configuration.webhookBatch == 256)
        #expect(configuration.syncConfirmationInterval == .seconds(30) && configuration.syncBackoff.base == .seconds(60))
        let forever = try SkeinConfiguration.resolve(environment: ["SKEIN_KEEP_RUNS": "forever"])
        #expect(forever.keepRuns == nil)
    }
}
