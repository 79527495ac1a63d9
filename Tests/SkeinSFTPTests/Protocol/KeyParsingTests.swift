import NIOSSH
import Testing

@testable import SkeinSFTP

@Suite("Private keys, host keys and fingerprints")
struct KeyParsingTests {
    /// A throwaway key generated with `ssh-keygen -t ed25519 -N "" -C skein-fixture`.
    /// It protects nothing; it exists only for this test.
    static let fixtureKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBOjPMDa2WPuNOBx2uf99n/LFkE9KKdzxwouqOhbgLrrgAAAJB/rG9Pf6xv
        TwAAAAtzc2gtZWQyNTUxOQAAACBOjPMDa2WPuNOBx2uf99n/LFkE9KKdzxwouqOhbgLrrg
        AAAEBUWbIRzFTk8DTa82C2cL28Uc4BGoC2tlQaos2MSfTrOU6M8wNrZY+404HHa5/32f8s
        WQT0op3PHCi6o6FuAuuuAAAADXNrZWluLWZpeHR1cmU=
        -----END OPENSSH PRIVATE KEY-----
        """
    static let fixturePublicKey =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE6M8wNrZY+404HHa5/32f8sWQT0op3PHCi6o6FuAuuu"
    /// What `ssh-keygen -lf` prints for the fixture's public key.
    static let fixtureFingerprint = "SHA256:Zwa1EcJQY7uNQ+KdULpwpvv7j+3rDP5mEJd+j6YwOb4"

    @Test("An unencrypted OpenSSH ed25519 key yields the matching public key")
    func openSSHEd25519() throws {
        let key = try PrivateKeyParser.parse(Self.fixtureKey)
        #expect(String(openSSHPublicKey: key.publicKey) == Self.fixturePublicKey)
    }

    @Test("Fingerprints match ssh-keygen -lf")
    func fingerprint() throws {
        let key = try NIOSSHPublicKey(openSSHPublicKey: Self.fixturePublicKey)
        #expect(HostKeyFingerprint.sha256(of: key) == Self.fixtureFingerprint)
        #expect(HostKeyFingerprint.normalise(" Zwa1EcJQY7uNQ+KdULpwpvv7j+3rDP5mEJd+j6YwOb4= ") == Self.fixtureFingerprint)
    }

    @Test("A host key line with a comment is accepted")
    func hostKeyLineWithComment() throws {
        let expected = try ExpectedHostKey(.openSSHPublicKey(Self.fixturePublicKey + " someone@host\n"))
        guard case .fingerprint(let fingerprint) = expected else {
            Issue.record("expected a fingerprint")
            return
        }
        #expect(fingerprint == Self.fixtureFingerprint)
    }

    @Test("Malformed host key configuration is an invalidConfiguration error")
    func malformedHostKey() {
        #expect(throws: SFTPError.self) { try ExpectedHostKey(.openSSHPublicKey("not-a-key")) }
        #expect(throws: SFTPError.self) { try ExpectedHostKey(.fingerprintSHA256("SHA256:")) }
        do {
            _ = try ExpectedHostKey(.openSSHPublicKey("ssh-ed25519 AAAA"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test("RSA keys are rejected with a clear unsupportedKeyType error")
    func rsaRejected() {
        let pemRSA = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----"
        do {
            _ = try PrivateKeyParser.parse(pemRSA)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unsupportedKeyType)
            #expect(error.message.contains("RSA"))
        }
    }

    @Test("Garbage is invalidPrivateKey and the message does not echo the key text")
    func garbage() {
        let secretLooking = "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETSECRET!!!\n-----END OPENSSH PRIVATE KEY-----"
        do {
            _ = try PrivateKeyParser.parse(secretLooking)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidPrivateKey)
            #expect(!error.description.contains("SECRETSECRET"))
        }
    }

    @Test("mpint scalars are padded or stripped to the curve width")
    func mpintWidth() {
        #expect(OpenSSHPrivateKeyParser.fixedWidth([0, 0x80, 1], 2) == [0x80, 1])
        #expect(OpenSSHPrivateKeyParser.fixedWidth([5], 3) == [0, 0, 5])
    }
}
