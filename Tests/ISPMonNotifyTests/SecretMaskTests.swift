import Foundation
import ISPMonConfig
@testable import ISPMonNotify
import Testing
import TestSupport

/// What a test message's outcome may say: a receiver's answer that carries back one of the
/// channel's secrets (an echo service) shows a mask instead.
@Suite struct SecretMaskTests {
    static func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func masksTheContentsOfTheSecretFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try Self.write("AC-account-token\n", dir.file("token"))
        var c = MonitorConfig.NotifyChannel(name: "sms", kind: .sms)
        c.url = "https://sms.example/2010-04-01/Accounts/AC1/Messages.json"
        c.tokenFile = dir.file("token")
        let mask = SecretMask(c)
        #expect(mask.applied(to: "HTTP 401 {\"token\":\"AC-account-token\",\"again\":\"AC-account-token\"}")
                == "HTTP 401 {\"token\":\"•••\",\"again\":\"•••\"}")
        #expect(mask.applied(to: "HTTP 200 ok") == "HTTP 200 ok")

        // A secret that holds another (a webhook key and an SMTP password, one inside the other) is masked whole.
        try Self.write("hunter2-hunter2", dir.file("password"))
        try Self.write("hunter2", dir.file("short"))
        var both = MonitorConfig.NotifyChannel(name: "mail", kind: .email)
        both.passwordFile = dir.file("short")
        both.secretFile = dir.file("password")
        #expect(SecretMask(both).applied(to: "said hunter2-hunter2") == "said •••")
    }

    @Test func aMissingFileOrATooShortSecretMasksNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var missing = MonitorConfig.NotifyChannel(name: "sms", kind: .sms)
        missing.tokenFile = dir.file("absent")
        #expect(SecretMask(missing).secrets.isEmpty)
        try Self.write("k\n", dir.file("secret"))
        var short = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        short.secretFile = dir.file("secret")
        #expect(SecretMask(short).applied(to: "HTTP 200 ok, kept") == "HTTP 200 ok, kept", "a one-letter key would mask every k")
    }
}
