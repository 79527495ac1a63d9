import ArgumentParser
import Foundation
import SkeinApp
import SkeinJSON

extension InstanceCommand {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that an instance's system can be reached and accepts its credentials.",
            discussion: "Prints 'ok: …' and exits 0, or 'failed: …' saying what is wrong and exits 1.")
        @Argument(help: "The instance to check.") var name: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            let result = await (try options.environment()).testInstance(named: name)
            if options.json {
                print(JSON.object(["ok": .bool(result.ok), "message": .string(result.message)]).serialized())
            } else {
                print("\(result.ok ? "ok" : "failed"): \(result.message)")
            }
            if !result.ok { throw ExitCode.failure }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace the credential key and re-seal every instance's credentials with the new one.",
            discussion: """
                With the key file (DATA_DIR/credentials.key) a new key is generated; the old one is kept in \
                credentials.key.previous until every instance is re-sealed (in one transaction), so an interrupted \
                rotation loses nothing: run the command again to finish it.
                With SKEIN_CREDENTIAL_KEY set, Skein cannot change your environment: generate a key \
                (openssl rand -hex 32), pass it with --new-key-env VARIABLE, then set SKEIN_CREDENTIAL_KEY to it \
                and restart every skein process.
                """)
        @Option(name: .customLong("new-key-env"), help: "An environment variable holding the new key (64 hex digits).")
        var newKeyVariable: String?
        @OptionGroup var options: DataOptions

        func run() async throws {
            let environment = try options.environment()
            var newKey: [UInt8]?
            if let newKeyVariable {
                guard let hex = ProcessInfo.processInfo.environment[newKeyVariable] else {
                    throw CLIError("--new-key-env \(newKeyVariable): the environment variable \(newKeyVariable) is not set")
                }
                guard let bytes = [UInt8](hexKey: hex) else {
                    throw CLIError("--new-key-env \(newKeyVariable): the key must be 64 hexadecimal digits (32 bytes)")
                }
                newKey = bytes
            }
            let outcome: CredentialKeyRotation.Outcome
            do { outcome = try await CredentialKeyRotation(environment: environment).rotate(to: newKey) } catch {
                throw CLIError("\(error)")
            }
            if outcome.completedInterruptedRotation { print("finished an interrupted key rotation first") }
            let count = "\(outcome.resealed) instance\(outcome.resealed == 1 ? "" : "s")"
            if outcome.operatorMustInstallKey {
                print(
                    """
                    re-sealed \(count) with the key in \(newKeyVariable ?? "?") (key id \(outcome.newKeyID), was \(outcome.oldKeyID)).
                    Now set SKEIN_CREDENTIAL_KEY to that key wherever Skein runs and restart it; until then, keep the old key in \
                    SKEIN_PREVIOUS_CREDENTIAL_KEY so running processes can still read credentials.
                    """)
            } else {
                print("rotated the credential key (key id \(outcome.newKeyID), was \(outcome.oldKeyID)); re-sealed \(count)")
            }
        }
    }
}

extension [UInt8] {
    init?(hexKey: String) {
        let digits = Array(hexKey.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self = bytes
    }
}
