import ArgumentParser
import Foundation
import SkeinApp
import SkeinCore
import SkeinJSON
import SkeinOperations

/// `skein alert-group`: notification groups that flows name under `alerts:`, through the
/// operations the API and the web UI call (`AlertGroupOperations`).
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

        var change: AlertGroupOperations.Change { .init(emails: emails, webhookURLs: webhooks, smtpInstance: smtpInstance) }
    }

    static func print(_ listing: AlertGroupOperations.Listing, json: Bool) {
        if json { Swift.print(AlertGroupOperations.json(listing).serialized()); return }
        let group = listing.group
        let urls = listing.maskedWebhookURLs
        Swift.print(
            """
            group:          \(group.name)
            emails:         \(group.emails.isEmpty ? "-" : group.emails.joined(separator: ", "))
            webhook URLs:   \(urls.isEmpty ? "-" : urls.joined(separator: ", "))
            smtp instance:  \(group.smtpInstance ?? "- (the server's alert_smtp_instance)")
            flows:          \(listing.flows.isEmpty ? "- (no flow names it)" : listing.flows.joined(separator: ", "))
            updated (UTC):  \(RunsCommand.time(group.updatedAt))
            """)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notification groups with the flows that name them.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let listings = try await options.operations().1.alertGroups.list(options.caller)
            if options.json { Swift.print(JSON.array(listings.map(AlertGroupOperations.json)).serialized()); return }
            if listings.isEmpty { Swift.print("no alert groups yet (skein alert-group create NAME --email ADDRESS)"); return }
            Swift.print(
                Table(
                    ["GROUP", "EMAILS", "WEBHOOKS", "SMTP INSTANCE", "FLOWS"],
                    listings.map {
                        [
                            $0.group.name, $0.group.emails.joined(separator: ","), String($0.group.webhookURLs.count), $0.group.smtpInstance ?? "-",
                            $0.flows.isEmpty ? "-" : $0.flows.joined(separator: ","),
                        ]
                    }
                ).render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one group (webhook URLs only as scheme://host/…).")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            AlertGroupCommand.print(try await options.operations().1.alertGroups.group(options.caller, named: name), json: options.json)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group with email addresses and/or webhook URLs.")
        @Argument var name: String
        @OptionGroup var group: GroupOptions
        @OptionGroup var options: DataOptions

        func run() async throws {
            let groups = try options.operations().1.alertGroups
            try await groups.create(options.caller, name: name, group.change)
            if options.json {
                AlertGroupCommand.print(try await groups.group(options.caller, named: name), json: true)
            } else {
                Swift.print("created alert group '\(name)'")
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a group's addresses, URLs and smtp instance with the ones given.",
            discussion: """
                Give every address the group should have. Webhook URLs are never shown back, so they cannot be merged: give them all \
                again, or --keep-webhooks to keep the stored ones.
                """)
        @Argument var name: String
        @OptionGroup var group: GroupOptions
        @Flag(name: .customLong("keep-webhooks"), help: "Keep the stored webhook URLs (no --webhook then).") var keepWebhooks = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            if keepWebhooks && !group.webhooks.isEmpty { throw CLIError("give --webhook or --keep-webhooks, not both") }
            var change = group.change
            if keepWebhooks { change.webhookURLs = nil }
            let groups = try options.operations().1.alertGroups
            try await groups.update(options.caller, name: name, change)
            if options.json {
                AlertGroupCommand.print(try await groups.group(options.caller, named: name), json: true)
            } else {
                Swift.print("updated alert group '\(name)'")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a group (flows naming it then alert nobody through it; the audit log says so).")
        @Argument var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await options.operations().1.alertGroups.delete(options.caller, name: name)
            Swift.print("deleted alert group '\(name)'")
        }
    }
}
