import Foundation
import SkeinCore
import SkeinJSON
import SkeinSFTP
import SkeinTestSupport
import Testing

@testable import SkeinConnectorsSFTP

/// The `sftp` shape against a real OpenSSH sshd.
@Suite("The sftp shape")
struct SFTPShapeTests {
    @Test("A receive gives one payload per matching file, bytes untouched, and moves them to the archive")
    func receiveAndMove() async throws {
        try await withSFTPDirectory { server, root in
            let csv1 = Array("sku,qty\r\nA-1,5\r\nB-2,0\r\n".utf8)
            let csv2: [UInt8] = Array("sku;qty\nÄ-3;7\n".utf8) + [0xFF]
            try await SFTPClient.withConnection(server.configuration()) { client in
                try await client.makeDirectory(root + "/outbound")
                try await client.makeDirectory(root + "/archive")
                try await client.write(root + "/outbound/stock-2.csv", csv2)
                try await client.write(root + "/outbound/stock-1.csv", csv1)
                try await client.write(root + "/outbound/readme.txt", Array("not me".utf8))
            }
            let recorder = CallRecorder()
            let executor = try prepareSFTP([
                "instance": "warehouse", "direction": "receive", "path": .string(root + "/outbound"),
                "pattern": "*.csv", "after": "move", "move_to": .string(root + "/archive"),
            ])
            let result = try await executor.execute([], context: sftpContext(sftpInstance(server), recorder: recorder))

            #expect(result.outputs.map { $0.bytes() } == [csv1, csv2])
            #expect(result.outputs.map(\.contentType) == ["text/csv", "text/csv"])
            let files = FileManager.default
            #expect(try files.contentsOfDirectory(atPath: root + "/outbound") == ["readme.txt"])
            #expect(try files.contentsOfDirectory(atPath: root + "/archive").sorted() == ["stock-1.csv", "stock-2.csv"])
            let reads = recorder.calls.filter { $0["operation"] == "read" }
            #expect(reads.map { $0["file"] } == ["stock-1.csv", "stock-2.csv"])
            #expect(reads.map { $0["bytes"] } == [.number(Double(csv1.count)), .number(Double(csv2.count))])
            #expect(recorder.calls.filter { $0["operation"] == "move" }.count == 2)
            #expect(recorder.calls.allSatisfy { $0["duration_ms"] != nil && $0["instance"] == "warehouse" })
        }
    }

    @Test("after: delete removes what was read; max_files takes the first names and warns")
    func receiveDeleteWithLimit() async throws {
        try await withSFTPDirectory { server, root in
            try await SFTPClient.withConnection(server.configuration()) { client in
                for name in ["c.json", "a.json", "b.json"] {
                    try await client.write(root + "/" + name, Array("{\"file\": \"\(name)\"}".utf8))
                }
            }
            let executor = try prepareSFTP([
                "instance": "warehouse", "direction": "receive", "path": .string(root), "pattern": "*.json",
                "after": "delete", "max_files": 2,
            ])
            let result = try await executor.execute([], context: sftpContext(sftpInstance(server)))
            #expect(try result.outputs.map { try $0.json()["file"] } == ["a.json", "b.json"])
            #expect(result.outputs.allSatisfy { $0.contentType == "application/json" })
            #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["c.json"])
            #expect(result.warnings.count == 1)
        }
    }

    @Test("A .json file that is not JSON fails the receive, names the file, and leaves every file in place")
    func brokenJSONFile() async throws {
        try await withSFTPDirectory { server, root in
            try await SFTPClient.withConnection(server.configuration()) { client in
                try await client.write(root + "/a.json", Array("{\"ok\": true}".utf8))
                try await client.write(root + "/b.json", Array("{broken".utf8))
            }
            let executor = try prepareSFTP(["instance": "warehouse", "direction": "receive", "path": .string(root), "after": "delete"])
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([], context: sftpContext(sftpInstance(server)))
            }
            #expect(failure?.message.contains("b.json is not valid JSON") == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["a.json", "b.json"])
        }
    }

    @Test("A send writes one file per payload, named from the payload, and passes the payloads on")
    func sendNamesFilesFromPayloads() async throws {
        try await withSFTPDirectory { server, root in
            let orders: [JSON] = [["order_number": "1001", "total": 12.5], ["order_number": 1002, "total": 3]]
            let csv = Payload(bytes: Array("a,b\n1,2\n".utf8), contentType: "text/csv")
            let executor = try prepareSFTP([
                "instance": "warehouse", "direction": "send", "path": .string(root),
                "filename": "order-{{payload.order_number}}.json",
            ])
            let input = orders.map(Payload.init(json:))
            let recorder = CallRecorder()
            let result = try await executor.execute(input, context: sftpContext(sftpInstance(server), recorder: recorder))
            #expect(result.outputs == input)
            for order in orders {
                let name = "order-\(order["order_number"]!.serialized().replacingOccurrences(of: "\"", with: "")).json"
                let written = try #require(FileManager.default.contents(atPath: root + "/" + name))
                #expect(try JSON(parsing: [UInt8](written)) == order)
            }
            #expect(recorder.calls.map { $0["operation"] } == ["write", "write"])

            let bytesStep = try prepareSFTP([
                "instance": "warehouse", "direction": "send", "path": .string(root), "filename": "stock-{{run_id}}-{{index}}.csv",
            ])
            _ = try await bytesStep.execute([csv], context: sftpContext(sftpInstance(server)))
            #expect(FileManager.default.contents(atPath: root + "/stock-7-1.csv").map { [UInt8]($0) } == csv.bytes())
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".skein-part") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("A payload value cannot steer a file out of the directory")
    func unsafeFileName() async throws {
        try await withSFTPDirectory { server, root in
            let executor = try prepareSFTP([
                "instance": "warehouse", "direction": "send", "path": .string(root), "filename": "{{payload.name}}",
            ])
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([Payload(json: ["name": "../../etc/evil"])], context: sftpContext(sftpInstance(server)))
            }
            #expect(failure?.message.contains("not a safe file name") == true)
        }
    }

    @Test("A wrong password fails at once, names the instance, and never shows the password")
    func wrongPassword() async throws {
        try await withSFTPDirectory { server, root in
            let secret = "wrong-secret-\(server.port)"
            let executor = try prepareSFTP(["instance": "warehouse", "direction": "receive", "path": .string(root)])
            let recorder = CallRecorder()
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([], context: sftpContext(sftpInstance(server, password: secret), recorder: recorder))
            }
            #expect(failure?.isTransient == false)
            #expect(failure?.message.contains("instance 'warehouse'") == true)
            #expect(failure?.message.contains("password or private_key") == true)
            #expect(failure?.message.contains(secret) == false)
        }
    }

    @Test("A host key other than the pinned one is refused and named as such")
    func hostKeyMismatch() async throws {
        try await withSFTPDirectory { server, root in
            let executor = try prepareSFTP(["instance": "warehouse", "direction": "receive", "path": .string(root)])
            let instance = sftpInstance(server, hostKey: ("fingerprint", "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"))
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([], context: sftpContext(instance))
            }
            #expect(failure?.isTransient == false)
            #expect(failure?.message.contains("instance 'warehouse'") == true)
            #expect(failure?.message.contains("host_key or fingerprint") == true)
        }
    }

    @Test("A missing directory is a clear, permanent failure naming the instance and the path")
    func missingDirectory() async throws {
        try await withSFTPDirectory { server, root in
            let executor = try prepareSFTP(["instance": "warehouse", "direction": "receive", "path": .string(root + "/nope")])
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([], context: sftpContext(sftpInstance(server)))
            }
            #expect(failure?.isTransient == false)
            #expect(failure?.message.contains("instance 'warehouse'") == true)
            #expect(failure?.message.contains(root + "/nope") == true)
        }
    }

    @Test("An unreachable server is a transient failure naming the instance")
    func unreachable() async throws {
        try await withSFTPDirectory { server, root in
            let closed = try ClosedPort()
            let executor = try prepareSFTP(["instance": "warehouse", "direction": "receive", "path": .string(root)])
            let failure = await #expect(throws: ShapeFailure.self) {
                try await executor.execute([], context: sftpContext(sftpInstance(server, port: closed.port)))
            }
            withExtendedLifetime(closed) {}
            #expect(failure?.isTransient == true)
            #expect(failure?.message.contains("instance 'warehouse'") == true)
        }
    }

    @Test("instance test connects with a private key and lists the login directory; a bad key fails clearly")
    func testConnection() async throws {
        try await withOpenSSHServer { server in
            let good = sftpInstance(server, credentials: ["private_key": server.clientEd25519PrivateKey])
            let ok = await SFTPShape().testConnection(instance: good)
            #expect(ok.ok, "\(ok.message)")
            #expect(ok.message.contains("logged in as \(server.user.name)"))
            let bad = await SFTPShape().testConnection(instance: sftpInstance(server, password: "nope-nope-nope"))
            #expect(!bad.ok)
            #expect(bad.message.contains("instance 'warehouse'"))
            #expect(!bad.message.contains("nope-nope-nope"))
        }
    }

    @Test("Settings are checked when the flow is read")
    func settingsProblems() {
        #expect(
            sftpProblems(["instance": "w", "direction": "send", "path": "/in"]).contains {
                $0.contains("shapes[0].sftp.filename")
            })
        #expect(
            sftpProblems(["instance": "w", "direction": "receive", "path": "/in", "after": "move"]) == [
                "shapes[0].sftp.move_to: required when after: move"
            ])
        #expect(
            sftpProblems(["instance": "w", "direction": "send", "path": "/in", "filename": "a/{{x}}"]) == [
                "shapes[0].sftp.filename: is a file name, not a path: put the directory in 'path'"
            ])
        #expect(
            sftpProblems(["instance": "w", "direction": "send", "path": "/in", "filename": "x", "pattern": "*"]) == [
                "shapes[0].sftp.pattern: applies to direction: receive only"
            ])
        #expect(sftpProblems(["instance": "w", "direction": "receive", "path": "/in", "after": "shred"]).count == 1)
    }

    @Test("Patterns match like a shell: wildcards, literal text, and no hidden files unless asked")
    func patterns() {
        #expect(FileNamePattern("*.csv").matches("stock-1.csv"))
        #expect(!FileNamePattern("*.csv").matches("stock-1.csv.bak"))
        #expect(FileNamePattern("stock-?.csv").matches("stock-7.csv"))
        #expect(!FileNamePattern("stock-?.csv").matches("stock-10.csv"))
        #expect(!FileNamePattern("*").matches(".order-1.json.skein-part"))
        #expect(FileNamePattern(".*").matches(".hidden"))
    }

    @Test("A misspelt instance setting is reported, not ignored")
    func unknownInstanceSetting() async throws {
        let instance = Instance(
            name: "warehouse", connectorType: "sftp", address: "127.0.0.1:22",
            settings: ["username": "u", "hostkey": "ssh-ed25519 AAAA"], credentials: ["password": "secret-pw"])
        let failure = await #expect(throws: ShapeFailure.self) {
            try await prepareSFTP(["instance": "warehouse", "direction": "receive", "path": "/x"]).execute([], context: sftpContext(instance))
        }
        #expect(failure?.message == "instance 'warehouse': unknown setting 'hostkey' (sftp instances take username, host_key, fingerprint)")
    }
}
