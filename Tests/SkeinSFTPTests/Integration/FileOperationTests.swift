import Crypto
import Testing

@testable import SkeinSFTP

/// File and directory operations against a real OpenSSH sshd (internal-sftp).
@Suite("SFTP file operations against OpenSSH")
struct FileOperationTests {
    @Test("mkdir, upload, stat, list, rename, download, remove, rmdir")
    func roundTrips() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let directory = server.filesDirectory + "/inbox"
                try await client.makeDirectory(directory)
                #expect(try await client.stat(directory)?.isDirectory == true)

                let content = Array("id,amount\n1,42\n".utf8)
                try await client.write(directory + "/orders.csv", content)
                try await client.write(directory + "/empty.txt", [])

                let info = try #require(try await client.stat(directory + "/orders.csv"))
                #expect(info.name == "orders.csv")
                #expect(info.size == UInt64(content.count))
                #expect(info.isRegularFile)
                #expect(info.modificationDate != nil)

                let listing = try await client.list(directory).sorted { $0.name < $1.name }
                #expect(listing.map(\.name) == ["empty.txt", "orders.csv"])
                #expect(listing.map(\.size) == [0, UInt64(content.count)])
                #expect(listing.allSatisfy { !$0.isDirectory && $0.permissions != nil })

                try await client.rename(from: directory + "/orders.csv", to: directory + "/orders-done.csv")
                #expect(try await client.stat(directory + "/orders.csv") == nil)
                #expect(try await client.read(directory + "/orders-done.csv") == content)
                #expect(try await client.read(directory + "/empty.txt") == [])

                // Overwriting truncates, and rename replaces an existing target (posix-rename).
                try await client.write(directory + "/empty.txt", Array("x".utf8))
                try await client.write(directory + "/orders-done.csv", Array("short".utf8))
                #expect(try await client.read(directory + "/orders-done.csv") == Array("short".utf8))
                try await client.rename(from: directory + "/empty.txt", to: directory + "/orders-done.csv")
                #expect(try await client.read(directory + "/orders-done.csv") == Array("x".utf8))

                try await client.remove(directory + "/orders-done.csv")
                #expect(try await client.list(directory).isEmpty)
                try await client.removeDirectory(directory)
                #expect(try await client.stat(directory) == nil)
            }
        }
    }

    @Test("A 20 MB file survives upload and download unchanged (SHA-256)")
    func largeFile() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let original = Self.randomBytes(count: 20 * 1024 * 1024 + 123)
                let path = server.filesDirectory + "/large.bin"
                try await client.write(path, original)
                #expect(try await client.stat(path)?.size == UInt64(original.count))
                let downloaded = try await client.read(path)
                #expect(downloaded.count == original.count)
                #expect(SHA256.hash(data: downloaded) == SHA256.hash(data: original))
            }
        }
    }

    @Test("Concurrent transfers on one connection do not mix up responses")
    func concurrentTransfers() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let files = (0..<6).map { index in
                    (path: server.filesDirectory + "/parallel-\(index).bin", bytes: Self.randomBytes(count: 300_000 + index))
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for file in files { group.addTask { try await client.write(file.path, file.bytes) } }
                    try await group.waitForAll()
                }
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for file in files { group.addTask { try await client.read(file.path) == file.bytes } }
                    for try await matches in group { #expect(matches) }
                }
            }
        }
    }

    @Test("Reading a missing file is noSuchFile and names the path")
    func missingFile() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let path = server.filesDirectory + "/does-not-exist.csv"
                let error = await #expect(throws: SFTPError.self) { try await client.read(path) }
                #expect(error?.code == .noSuchFile)
                #expect(error?.message.contains(path) == true)
                #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)

                let missing = try await client.stat(path)
                #expect(missing == nil)
                let listError = await #expect(throws: SFTPError.self) { try await client.list(path) }
                #expect(listError?.code == .noSuchFile)
                let removeError = await #expect(throws: SFTPError.self) { try await client.remove(path) }
                #expect(removeError?.code == .noSuchFile)
            }
        }
    }

    @Test("Writing where the user may not is permissionDenied")
    func permissionDenied() async throws {
        try await withOpenSSHServer { server in
            try await SFTPClient.withConnection(server.configuration()) { client in
                let error = await #expect(throws: SFTPError.self) { try await client.write("/etc/skein-sftp-test", [1]) }
                #expect(error?.code == .permissionDenied)
                #expect(error?.message.contains("/etc/skein-sftp-test") == true)
            }
        }
    }

    @Test("Requests after close fail with connectionClosed")
    func useAfterClose() async throws {
        try await withOpenSSHServer { server in
            let client = try await SFTPClient.connect(server.configuration())
            try await client.close()
            try await client.close()  // harmless
            let error = await #expect(throws: SFTPError.self) { try await client.stat("/") }
            #expect(error?.code == .connectionClosed)
        }
    }

    static func randomBytes(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.count / 8
            for index in 0..<words {
                raw.storeBytes(of: generator.next() as UInt64, toByteOffset: index * 8, as: UInt64.self)
            }
            for index in (words * 8)..<raw.count { raw[index] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }
}
