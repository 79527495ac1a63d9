import Foundation
import NIOSSH
import SkeinTestSupport
import Testing

@testable import SkeinSFTP

/// Private key formats as real tools write them. Keys are generated with `ssh-keygen`
/// (installed with openssh-server), so the parser is checked against the real format
/// rather than our own idea of it.
@Suite("Private key formats written by ssh-keygen")
struct KeyFormatTests {
    /// Generates a key with `ssh-keygen` and returns (private key text, public key line).
    private func generate(_ arguments: [String], passphrase: String = "") async throws -> (String, String) {
        try await onDedicatedThread {
            let directory = NSTemporaryDirectory() + "skein-keygen-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try CommandRunner.run(
                OpenSSHTestServer.keygenPath, ["-q", "-N", passphrase, "-f", directory + "/key"] + arguments)
            return (
                try String(contentsOfFile: directory + "/key", encoding: .utf8),
                try String(contentsOfFile: directory + "/key.pub", encoding: .utf8)
            )
        }
    }

    private func publicKeyLine(_ line: String) -> String {
        line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    @Test(
        "Keys ssh-keygen writes are parsed and match their .pub",
        arguments: [
            ["-t", "ed25519"],
            ["-t", "ecdsa", "-b", "256"],
            ["-t", "ecdsa", "-b", "384"],
            ["-t", "ecdsa", "-b", "521"],
            ["-t", "ecdsa", "-b", "256", "-m", "PEM"],
            ["-t", "ecdsa", "-b", "384", "-m", "PKCS8"],
        ])
    func supportedKeys(arguments: [String]) async throws {
        let (privateKey, publicKey) = try await generate(arguments)
        let parsed = try PrivateKeyParser.parse(privateKey)
        #expect(String(openSSHPublicKey: parsed.publicKey) == publicKeyLine(publicKey))
    }

    @Test("A PKCS#8 ed25519 key (as written by openssl genpkey) is parsed")
    func pkcs8Ed25519() throws {
        // Throwaway fixture from `openssl genpkey -algorithm ed25519`; protects nothing.
        let pem = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIGG6zz9Qwv4KqW8ZZOjrjJ5LzDDUOfvEupsgMtRggUsL
            -----END PRIVATE KEY-----
            """
        let parsed = try PrivateKeyParser.parse(pem)
        #expect(
            String(openSSHPublicKey: parsed.publicKey)
                == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMPdQ8/D1On9EHHbMrrLkkRQOGeJRcp6rEdYBVXAhsN4")
    }

    @Test(
        "RSA keys in every format are unsupportedKeyType",
        arguments: [["-t", "rsa", "-b", "2048"], ["-t", "rsa", "-b", "2048", "-m", "PEM"], ["-t", "rsa", "-b", "2048", "-m", "PKCS8"]])
    func rsaKeys(arguments: [String]) async throws {
        let (privateKey, _) = try await generate(arguments)
        let error = #expect(throws: SFTPError.self) { try PrivateKeyParser.parse(privateKey) }
        #expect(error?.code == .unsupportedKeyType)
        #expect(error?.message.contains("RSA") == true)
    }

    @Test("Passphrase-protected OpenSSH keys are unsupportedKeyType with a way out")
    func encryptedKey() async throws {
        let (privateKey, _) = try await generate(["-t", "ed25519"], passphrase: "correct horse")
        let error = #expect(throws: SFTPError.self) { try PrivateKeyParser.parse(privateKey) }
        #expect(error?.code == .unsupportedKeyType)
        #expect(error?.message.contains("ssh-keygen -p") == true)
        #expect(error?.message.contains("correct horse") == false)
    }
}
