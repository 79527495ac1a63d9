import Foundation
import SkeinCore
import SkeinJSON
import SkeinSFTP
import SkeinTestSupport
import Testing

@testable import SkeinConnectorsSFTP

/// The `sftp` send with `sync:` (entries start Sent) and `ack:` (acknowledgement files confirm
/// them), against a real OpenSSH sshd.
@Suite("The sftp shape's sync report entries")
struct SFTPSyncTests {
    let orders: [JSON] = [["order_number": 1001, "reference": "#1001"], ["order_number": 1002, "reference": "#1002"]]

    func sendStep(_ root: String, ack: JSON? = nil) throws -> any ShapeExecutor {
        var settings: JSON.Object = [
            "instance": "warehouse", "direction": "send", "path": .string(root), "filename": "order-{{payload.order_number}}.json",
            "sync": ["system": "Warehouse", "reference": "reference", "source_id": "order_number"],
        ]
        if let ack { settings["ack"] = ack }
        return try prepareSFTP(.object(settings))
    }

    @Test("Each file written is a Sent item named by its file; acknowledgement files confirm exactly their items")
    func sentThenAcknowledged() async throws {
        try await withSFTPDirectory { server, root in
            try await SFTPClient.withConnection(server.configuration()) { client in try await client.makeDirectory(root + "/acks") }
            let step = try sendStep(root, ack: ["path": .string(root + "/acks"), "name": "{{stem}}.ok", "after": "delete"])
            let input = orders.map(Payload.init(json:))
            let context = sftpContext(sftpInstance(server))
            let result = try await step.execute(input, context: context)

            #expect(result.syncItems.map(\.outcome) == [.delivered, .delivered])
            #expect(result.syncItems.map(\.endpointID) == ["order-1001.json", "order-1002.json"])
            #expect(result.syncItems.map(\.reference) == ["#1001", "#1002"])
            #expect(result.syncItems.map(\.sourceID) == ["1001", "1002"])
            #expect(result.syncItems.map(\.payload) == input)
            #expect(FileManager.default.fileExists(atPath: root + "/order-1002.json"))

            let confirming = try #require(step as? any SyncConfirming)
            #expect(confirming.checksConfirmations)
            let sent = [SentItem(entryID: 1, endpointID: "order-1001.json"), SentItem(entryID: 2, endpointID: "order-1002.json")]
            let none = try await confirming.confirm(sent, context: context) { _ in Issue.record("nothing is acknowledged yet") }
            #expect(none == 0)

            // The destination acknowledges one of the two files (and another file Skein did not send).
            try await SFTPClient.withConnection(server.configuration()) { client in
                try await client.write(root + "/acks/order-1002.ok", Array("ok".utf8))
                try await client.write(root + "/acks/order-1003.ok", Array("other".utf8))
            }
            let recorded = Recorded()
            let count = try await confirming.confirm(sent, context: context) { recorded.set($0) }
            #expect(count == 1)
            #expect(recorded.value == [2: "acknowledgement file \(root)/acks/order-1002.ok"])
            // after: delete removes the acknowledgement once recorded; another file's stays.
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/acks") == ["order-1003.ok"])
        }
    }

    @Test("A server that cannot be reached makes every item Pending instead of failing the step")
    func unreachableMakesItemsPending() async throws {
        try await withSFTPDirectory { server, root in
            let closed = try ClosedPort()
            let result = try await sendStep(root).execute(
                orders.map(Payload.init(json:)),
                context: sftpContext(sftpInstance(server, port: closed.port)))
            withExtendedLifetime(closed) {}
            #expect(result.outputs.isEmpty)
            #expect(result.syncItems.count == 2)
            for item in result.syncItems {
                guard case .transientFailure(let message) = item.outcome else {
                    Issue.record("expected a transient failure, got \(item.outcome)")
                    continue
                }
                #expect(message.contains("instance 'warehouse'"))
            }
        }
    }

    @Test("sync: and ack: settings are checked when the flow is read")
    func settingsAreChecked() {
        let send: JSON.Object = ["instance": "w", "direction": "send", "path": "/in", "filename": "a-{{index}}"]
        var withEndpoint = send
        withEndpoint["sync"] = ["system": "W", "endpoint_id": "id"]
        #expect(
            sftpProblems(.object(withEndpoint)) == [
                "shapes[0].sftp.sync.endpoint_id: does not apply here: an sftp entry's endpoint id is the name of the file written"
            ])
        var ackWithoutSync = send
        ackWithoutSync["ack"] = ["path": "/acks"]
        #expect(
            sftpProblems(.object(ackWithoutSync)) == [
                "shapes[0].sftp.ack: needs a sync: block (acknowledgements confirm sync report entries)"
            ])
        var badName = send
        badName["sync"] = ["system": "W"]
        badName["ack"] = ["name": "done.ack"]
        #expect(
            sftpProblems(.object(badName)) == [
                "shapes[0].sftp.ack.name: 'done.ack' must contain {{name}} or {{stem}} (the name of the file written)"
            ])
        #expect(
            sftpProblems(["instance": "w", "direction": "receive", "path": "/in", "sync": ["system": "W"]]) == [
                "shapes[0].sftp.sync: applies to direction: send only (a sync report lists items sent)"
            ])
        #expect(AckSettings(path: nil, name: "{{name}}.ack", deleteAfter: false).ackName(for: "o-1.json") == "o-1.json.ack")
        #expect(AckSettings(path: nil, name: "{{stem}}.done", deleteAfter: false).ackName(for: "o-1.json") == "o-1.done")
    }
}

/// What a `record` callback was given (the callback is `@Sendable`).
final class Recorded: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [SyncEntryID: String] = [:]
    func set(_ value: [SyncEntryID: String]) { lock.withLock { stored = value } }
    var value: [SyncEntryID: String] { lock.withLock { stored } }
}
