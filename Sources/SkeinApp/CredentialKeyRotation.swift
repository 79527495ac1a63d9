import Foundation
import SkeinEngine
import SkeinStorage

/// Replaces the credential key and re-seals every instance's credentials with the new one.
///
/// **Crash safety (key file).** The steps are ordered so that at every moment each instance's
/// credentials can be opened with `credentials.key` or `credentials.key.previous`, and a
/// cipher holding both (which `SkeinEnvironment` builds whenever the previous file exists)
/// reads them all:
///
/// 1. If `credentials.key.previous` exists, an earlier rotation was interrupted: first re-seal
///    everything with the current key (opening with either key) and remove the previous file.
/// 2. Write the current key to `credentials.key.previous` (temp file 0600, fsync, rename).
/// 3. Write the new key to `credentials.key` the same way. A crash here leaves the database
///    sealed with the previous key, which is still on disk.
/// 4. Re-seal every instance with the new key in **one transaction**: all or none.
/// 5. Remove `credentials.key.previous`.
///
/// Running `skein instance rotate-key` again after a crash at any point finishes the job
/// (step 1) before rotating once more; the previous key is never overwritten while the
/// database may still need it.
///
/// **Key from the environment.** With `SKEIN_CREDENTIAL_KEY` set Skein cannot replace the key
/// itself: the operator supplies the new key (`newKey`), the database is re-sealed with it, and
/// the operator then sets `SKEIN_CREDENTIAL_KEY` to it (and may keep the old one in
/// `SKEIN_PREVIOUS_CREDENTIAL_KEY` while processes restart).
public struct CredentialKeyRotation: Sendable {
    public struct Outcome: Sendable {
        /// How many instances were re-sealed with the new key.
        public var resealed: Int
        public var oldKeyID: String
        public var newKeyID: String
        /// True when the key came from the environment and the operator must now install it.
        public var operatorMustInstallKey: Bool
        /// True when an interrupted earlier rotation was completed first.
        public var completedInterruptedRotation: Bool
    }

    let environment: SkeinEnvironment

    public init(environment: SkeinEnvironment) {
        self.environment = environment
    }

    /// Whether the key comes from `SKEIN_CREDENTIAL_KEY` (so the operator must supply the new one).
    public var keyComesFromEnvironment: Bool { environment.configuration.credentialKey != nil }

    /// Rotates to `newKey`, or to a freshly generated key when nil (only with a key file).
    public func rotate(to newKey: [UInt8]? = nil, now: Date = Date()) async throws -> Outcome {
        let directory = environment.dataDirectory
        let keys = try SkeinEnvironment.credentialKeys(in: directory, configuration: environment.configuration)
        try await checkEveryInstanceOpens(with: CredentialCipher(keyBytes: keys.current, previousKeyBytes: keys.previous))
        if keyComesFromEnvironment {
            guard let newKey else {
                throw SkeinSetupError(
                    """
                    the credential key comes from SKEIN_CREDENTIAL_KEY, so Skein cannot replace it: generate a new key \
                    (e.g. `openssl rand -hex 32`), put it in another environment variable and pass --new-key-env VARIABLE
                    """)
            }
            guard newKey != keys.current else { throw SkeinSetupError("the new key is the same as SKEIN_CREDENTIAL_KEY") }
            let count = try await reseal(with: CredentialCipher(keyBytes: newKey, previousKeyBytes: keys.current), now: now)
            return Outcome(
                resealed: count, oldKeyID: CredentialCipher.keyID(of: keys.current), newKeyID: CredentialCipher.keyID(of: newKey),
                operatorMustInstallKey: true, completedInterruptedRotation: false)
        }

        let keyFile = SkeinEnvironment.keyFile(in: directory)
        let previousFile = SkeinEnvironment.previousKeyFile(in: directory)
        var completed = false
        if let previous = keys.previous {  // step 1
            _ = try await reseal(with: CredentialCipher(keyBytes: keys.current, previousKeyBytes: previous), now: now)
            try KeyFile.remove(previousFile)
            completed = true
        }
        let next = newKey ?? CredentialCipher.generateKey()
        guard next != keys.current else { throw SkeinSetupError("the new key is the same as the current one") }
        try KeyFile.writeAtomically(keys.current, to: previousFile)  // step 2
        try KeyFile.writeAtomically(next, to: keyFile)  // step 3
        let count = try await reseal(with: CredentialCipher(keyBytes: next, previousKeyBytes: keys.current), now: now)  // step 4
        try KeyFile.remove(previousFile)  // step 5
        return Outcome(
            resealed: count, oldKeyID: CredentialCipher.keyID(of: keys.current), newKeyID: CredentialCipher.keyID(of: next),
            operatorMustInstallKey: false, completedInterruptedRotation: completed)
    }

    /// Refuses to start (changing nothing) when some instance's credentials cannot be opened.
    func checkEveryInstanceOpens(with cipher: CredentialCipher) async throws {
        for stored in try await environment.store.storedInstances() {
            do { _ = try cipher.open(stored.sealedCredentials, instance: stored.name) } catch {
                throw SkeinSetupError(
                    """
                    \(error); nothing was changed. Restore the key the instance was sealed with, or remove the instance \
                    and add it again, then rotate
                    """)
            }
        }
    }

    /// Re-seals every instance with `cipher`'s current key in one transaction.
    func reseal(with cipher: CredentialCipher, now: Date) async throws -> Int {
        try await environment.store.resealInstances { stored in
            var updated = stored
            let credentials: [String: String]
            do { credentials = try cipher.open(stored.sealedCredentials, instance: stored.name) } catch {
                throw SkeinSetupError(
                    """
                    \(error); nothing was changed. Restore the key the instance was sealed with, or remove the instance \
                    and add it again
                    """)
            }
            updated.sealedCredentials = try cipher.seal(credentials)
            updated.keyID = cipher.keyID
            updated.updatedAt = now
            return updated
        }
    }
}
