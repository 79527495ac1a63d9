import Foundation
import Logging
import SkeinApp
import SkeinCore
import SkeinEngine
import SkeinStorage
import Testing

/// A fresh data directory, removed afterwards.
func withDataDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-app-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

func open(_ directory: URL, _ variables: [String: String] = [:]) throws -> SkeinEnvironment {
    try SkeinEnvironment(dataDirectory: directory, environment: variables, logger: Logger(label: "test"))
}

func addInstance(_ environment: SkeinEnvironment, _ name: String, password: String) async throws {
    let instance = Instance(
        name: name, connectorType: "http", address: "http://127.0.0.1:9", timeZone: "UTC", rateLimit: nil,
        timeout: .seconds(5), variables: [:], settings: ["auth": "basic"],
        credentials: ["username": "user-\(name)", "password": password])
    try await environment.store.saveInstance(try environment.instances.seal(instance, now: Date()))
}

func password(_ environment: SkeinEnvironment, _ name: String) async throws -> String? {
    try await environment.instances.instance(named: name).credentials["password"]
}

func mode(_ url: URL) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

@Suite struct CredentialKeyTests {
    @Test func theKeyFileIsCreatedOwnerOnlyAndReused() async throws {
        try await withDataDirectory { directory in
            let first = try open(directory)
            let keyFile = SkeinEnvironment.keyFile(in: directory)
            #expect(try mode(keyFile) == 0o600)
            #expect(try Data(contentsOf: keyFile).count == 32)
            try await addInstance(first, "shop", password: "pw-1")
            let again = try open(directory)
            #expect(try await password(again, "shop") == "pw-1")
            #expect(again.cipher.keyID == first.cipher.keyID)
        }
    }

    @Test func rotationResealsEveryInstanceAndReplacesTheKeyFile() async throws {
        try await withDataDirectory { directory in
            let before = try open(directory)
            try await addInstance(before, "shop", password: "pw-shop")
            try await addInstance(before, "erp", password: "pw-erp")
            let oldKey = try Data(contentsOf: SkeinEnvironment.keyFile(in: directory))

            let outcome = try await CredentialKeyRotation(environment: before).rotate()
            #expect(outcome.resealed == 2)
            #expect(outcome.oldKeyID == before.cipher.keyID)
            #expect(outcome.newKeyID != outcome.oldKeyID)

            let keyFile = SkeinEnvironment.keyFile(in: directory)
            #expect(try Data(contentsOf: keyFile) != oldKey)
            #expect(try mode(keyFile) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: SkeinEnvironment.previousKeyFile(in: directory).path))
            let after = try open(directory)
            #expect(after.cipher.keyID == outcome.newKeyID)
            #expect(try await password(after, "shop") == "pw-shop")
            #expect(try await password(after, "erp") == "pw-erp")
            #expect(try await after.store.storedInstances().allSatisfy { $0.keyID == outcome.newKeyID })
            // The old key no longer opens anything.
            let oldOnly = try CredentialCipher(keyBytes: [UInt8](oldKey))
            let stored = try #require(try await after.store.storedInstance(named: "shop"))
            #expect(throws: CredentialError.self) { try oldOnly.open(stored.sealedCredentials, instance: "shop") }
        }
    }

    /// A crash after the new key file was installed but before the re-seal committed leaves the
    /// database sealed with the key in credentials.key.previous: everything stays readable, and
    /// rotating again finishes the interrupted rotation first.
    @Test func anInterruptedRotationStaysReadableAndIsFinishedByTheNextOne() async throws {
        try await withDataDirectory { directory in
            let original = try open(directory)
            try await addInstance(original, "shop", password: "pw-shop")
            let keyFile = SkeinEnvironment.keyFile(in: directory)
            let previousFile = SkeinEnvironment.previousKeyFile(in: directory)
            // Steps 2 and 3 done, step 4 not: what a crash at that point leaves on disk.
            try FileManager.default.copyItem(at: keyFile, to: previousFile)
            try Data(CredentialCipher.generateKey()).write(to: keyFile)

            let crashed = try open(directory)
            #expect(crashed.cipher.hasPreviousKey)
            #expect(try await password(crashed, "shop") == "pw-shop", "the previous key still opens credentials not yet re-sealed")

            let outcome = try await CredentialKeyRotation(environment: crashed).rotate()
            #expect(outcome.completedInterruptedRotation)
            #expect(!FileManager.default.fileExists(atPath: previousFile.path))
            let after = try open(directory)
            #expect(!after.cipher.hasPreviousKey)
            #expect(try await password(after, "shop") == "pw-shop")
        }
    }

    @Test func rotationRefusesAndChangesNothingWhenAnInstanceCannotBeOpened() async throws {
        try await withDataDirectory { directory in
            let environment = try open(directory)
            try await addInstance(environment, "shop", password: "pw-shop")
            // An instance sealed with a key this data directory does not have.
            let stranger = try CredentialCipher(keyBytes: CredentialCipher.generateKey())
            var foreign = try #require(try await environment.store.storedInstance(named: "shop"))
            foreign.name = "foreign"
            foreign.sealedCredentials = try stranger.seal(["password": "x"])
            try await environment.store.saveInstance(foreign)
            let keyBefore = try Data(contentsOf: SkeinEnvironment.keyFile(in: directory))

            let error = await #expect(throws: SkeinSetupError.self) { try await CredentialKeyRotation(environment: environment).rotate() }
            #expect(error?.message.contains("instance 'foreign'") == true)
            #expect(error?.message.contains("nothing was changed") == true)
            #expect(try Data(contentsOf: SkeinEnvironment.keyFile(in: directory)) == keyBefore)
            #expect(try await password(try open(directory), "shop") == "pw-shop")
        }
    }

    @Test func withAnEnvironmentKeyTheOperatorSuppliesTheNewOne() async throws {
        try await withDataDirectory { directory in
            let oldKey = hex(CredentialCipher.generateKey())
            let environment = try open(directory, ["SKEIN_CREDENTIAL_KEY": oldKey])
            #expect(
                !FileManager.default.fileExists(atPath: SkeinEnvironment.keyFile(in: directory).path), "no key file when the key comes from the environment")
            try await addInstance(environment, "shop", password: "pw-shop")

            let refusal = await #expect(throws: SkeinSetupError.self) { try await CredentialKeyRotation(environment: environment).rotate() }
            #expect(refusal?.message.contains("--new-key-env") == true)

            let newKey = CredentialCipher.generateKey()
            let outcome = try await CredentialKeyRotation(environment: environment).rotate(to: newKey)
            #expect(outcome.operatorMustInstallKey)
            #expect(outcome.resealed == 1)
            #expect(try await password(try open(directory, ["SKEIN_CREDENTIAL_KEY": hex(newKey)]), "shop") == "pw-shop")
            let transitional = try open(directory, ["SKEIN_CREDENTIAL_KEY": oldKey, "SKEIN_PREVIOUS_CREDENTIAL_KEY": hex(newKey)])
            #expect(try await password(transitional, "shop") == "pw-shop", "a process still on the old key can be given the new one as previous")
            let stale = try open(directory, ["SKEIN_CREDENTIAL_KEY": oldKey])
            await #expect(throws: (any Error).self) { try await password(stale, "shop") }
        }
    }
}
