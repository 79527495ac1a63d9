import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinJSON

/// `skein alert-group`: notification groups that flows name under `alerts:`.
struct AlertGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert-group", abstract: "Notification groups: who is alerted when a flow's runs or sync entries fail.",
        discussion: """
            A flow names groups under alerts: (on_failure: [ops], on_sync_failed: [ops]). Each group gets an email at its \
            addresses (through its smtp instance, or the server's alert_smtp_instance) and a POST of {"text": "..."} at its \
            webhook URLs (Slack incoming webhooks, Teams connectors). See docs/operations.md, "Alerts".
            """,
        subcommands: [List.self, Show.self, Create.self, Update.self, Delete.self])

    struct GroupOptions: ParsableArguments {
        @Option(name: .customLong("email"), help: "An email address (repeat for more).") var emails: [String] = []
        @Option(name: .customLong("webhook"), help: "A webhook URL receiving {\"text\": ...} (repeat for more).") var webhooks: [String] = []
        @Option(name: .customLong("smtp-instance"), help: "The smtp instance the group's mail goes through (default: the server's alert_smtp_instance).")
        var smtpInstance: String?
    }

    static func groups(_ options: DataOptions) throws -> AlertGroups {
        AlertGroups(store: try options.environment().store)
    }

    static func print(_ group: AlertGroup, json: Bool) {
        if json { Swift.print(AlertGroups.json(group).serialized()); return }
        let urls = group.webhookURLs.map(AlertDeliverySafety.safe)
        Swift.print("""
            group:          \(group.name)
            emails:         \(group.emails.isEmpty ? "-" : group.emails.joined(separator: ", "))
            webhook URLs:   \(urls.isEmpty ? "-" : urls.joined(separator: ", "))
            smtp instance:  \(group.smtpInstance ?? "- (the server's alert_smtp_instance)")
            updated (UTC):  \(RunsCommand.time(group.updatedAt))
            """)
    }

    static func cliError(_ error: any Error) -> CLIError { CLIError("\(error)") }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notification groups.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let groups = try await AlertGroupCommand.groups(options).list()
            if options.json { Swift.print(JSON.array(groups.map(AlertGroups.json)).serialized()); return }
            Swift.print(Table(["GROUP", "EMAILS", "WEBHOOKS", "SMTP INSTANCE"], groups.map {
                [$0.name, $0.emails.joined(separator: ","), String($0.webhookURLs.count), $0.smtpInstance ?? "-"]
            }).render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one group (webhook URLs only as scheme://host/…).")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            do { AlertGroupCommand.print(try await AlertGroupCommand.groups(options).group(named: name), json: options.json) } catch let error as AlertGroupError {
                throw AlertGroupCommand.cliError(error)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group with email addresses and/or webhook URLs.")
        @Argument var name: String
        @OptionGroup var group: GroupOptions
        @OptionGroup var options: DataOptions

        func run() async throws {
            do {
                let saved = try await AlertGroupCommand.groups(options).save(name: name, emails: group.emails, webhookURLs: group.webhooks,
                                                                             smtpInstance: group.smtpInstance, replace: false, actor: "skein (cli)")
                if options.json { AlertGroupCommand.print(saved, json: true) } else { Swift.print("created alert group '\(name)'") }
            } catch let error as AlertGroupError { throw AlertGroupCommand.cliError(error) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a group's addresses, URLs and smtp instance with the ones given.",
            discussion: "Give every address and URL the group should keep: webhook URLs are never shown back, so they cannot be merged.")
        @Argument var name: String
        @OptionGroup var group: GroupOptions
        @OptionGroup var options: DataOptions

        func run() async throws {
            do {
                let groups = try AlertGroupCommand.groups(options)
                _ = try await groups.group(named: name)
                let saved = try await groups.save(name: name, emails: group.emails, webhookURLs: group.webhooks, smtpInstance: group.smtpInstance,
                                                  replace: true, actor: "skein (cli)")
                if options.json { AlertGroupCommand.print(saved, json: true) } else { Swift.print("updated alert group '\(name)'") }
            } catch let error as AlertGroupError { throw AlertGroupCommand.cliError(error) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a group (flows naming it then alert nobody through it; the audit log says so).")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            do { try await AlertGroupCommand.groups(options).delete(named: name, actor: "skein (cli)") } catch let error as AlertGroupError {
                throw AlertGroupCommand.cliError(error)
            }
            Swift.print("deleted alert group '\(name)'")
        }
    }
}
