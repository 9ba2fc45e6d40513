import Foundation
@testable import ISPMonNotify
import ISPMonCore
import TestSupport
import Testing

/// The email channel against aiosmtpd on loopback: STARTTLS with a certificate made here (trusted
/// through ca_file), AUTH, the message and its PDF as a mail reader (python's email) sees them.
/// The server's name is `mail.test`, given to loopback by libcurl's resolve list, so that the
/// channel treats it as a host on the network: STARTTLS is required.
@Suite(.enabled(if: ReceiverProcess.pythonHas("aiosmtpd"), "python3 cannot import aiosmtpd (apt-get install python3-aiosmtpd)"),
       .enabled(if: ReceiverProcess.tool("openssl") != nil, "openssl is not installed (it makes the test's certificate)"))
struct EmailChannelTests {
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8) + [0, 0xFF, 0x80]

    func startServer(_ dir: TempDir, tls: Bool) throws -> ReceiverProcess {
        let python = try #require(ReceiverProcess.tool("python3"))
        var args = [ReceiverProcess.script("smtp_receiver.py"), dir.path]
        if tls {
            let openssl = try #require(ReceiverProcess.tool("openssl"))
            let made = try ChildProcess.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                                         "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
                                                         "-subj", "/CN=mail.test", "-addext", "subjectAltName=DNS:mail.test"])
            try #require(made.status == 0)
            args += ["--tls", dir.file("cert.pem"), dir.file("key.pem"), "alerts@example.net", "mail-pass"]
        } else {
            args += ["--no-tls"]
        }
        return try ReceiverProcess(python, args)
    }

    func channel(port: UInt16, password: String, caFile: String?) -> EmailChannel {
        var server = SMTPServer(url: "smtp://mail.test:\(port)", username: "alerts@example.net", password: password, caFile: caFile)
        server.resolve = ["mail.test:\(port):127.0.0.1"]
        return EmailChannel(name: "mail", server: server, from: "ispmon@example.net", to: ["me@example.net", "you@example.net"])
    }

    @Test func sendsOverSTARTTLSWithAuthAndThePDF() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let server = try startServer(dir, tls: true)
        defer { server.stop() }
        var n = HTTPChannelTests.outage()
        n.attachments = [ISPMonNotify.Notification.Attachment(filename: "ispmon-home-2026-W09.pdf", contentType: "application/pdf",
                                                              bytes: EmailChannelTests.pdf)]
        let answer = try channel(port: server.port, password: "mail-pass", caFile: dir.file("cert.pem")).deliver(n)
        #expect(answer.hasPrefix("SMTP 250"))

        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("1.json")))) as? [String: Any])
        #expect(envelope["tls"] as? Bool == true)
        #expect(envelope["login"] as? String == "alerts@example.net")
        #expect(envelope["from"] as? String == "ispmon@example.net")
        #expect(envelope["to"] as? [String] == ["me@example.net", "you@example.net"])

        // The message as a mail reader parses it.
        let python = try #require(ReceiverProcess.tool("python3"))
        let parsed = try ChildProcess.run(python, ["-c", """
            import base64, email, email.policy, json, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            parts = [{"type": p.get_content_type(), "filename": p.get_filename(),
                      "bytes": base64.b64encode(p.get_payload(decode=True) or b"").decode()}
                     for p in m.walk() if not p.is_multipart()]
            print(json.dumps({"from": m["From"], "to": m["To"], "subject": m["Subject"], "id": m["Message-ID"],
                              "date": m["Date"], "parts": parts}))
            """, dir.file("1.eml")])
        let mail = try #require(try JSONSerialization.jsonObject(with: Data(parsed.out.utf8)) as? [String: Any])
        #expect(mail["from"] as? String == "ispmon@example.net")
        #expect(mail["to"] as? String == "me@example.net, you@example.net")
        #expect(mail["subject"] as? String == n.title)
        #expect(mail["id"] as? String == "<c-20260301T120005Z.outage@home.ispmon>")
        #expect(mail["date"] as? String == "Sun, 01 Mar 2026 12:00:05 +0000")
        let parts = try #require(mail["parts"] as? [[String: Any]])
        try #require(parts.count == 2)
        #expect(parts[0]["type"] as? String == "text/plain")
        let text = (parts[0]["bytes"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(text?.contains("Cause: isp (isp-edge).") == true)
        #expect(parts[1]["type"] as? String == "application/pdf")
        #expect(parts[1]["filename"] as? String == "ispmon-home-2026-W09.pdf")
        #expect((parts[1]["bytes"] as? String).flatMap { Data(base64Encoded: $0) } == Data(EmailChannelTests.pdf))
    }

    @Test func aWrongPasswordIsAnSMTPError() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let server = try startServer(dir, tls: true)
        defer { server.stop() }
        #expect {
            _ = try channel(port: server.port, password: "wrong", caFile: dir.file("cert.pem")).deliver(HTTPChannelTests.outage())
        } throws: { e in (e as? DeliveryError)?.code == "smtp" }
        #expect(!FileManager.default.fileExists(atPath: dir.file("1.eml")))
    }

    @Test func anUntrustedCertificateIsTLS() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let server = try startServer(dir, tls: true)
        defer { server.stop() }
        // The system's CAs do not know the test's certificate.
        #expect {
            _ = try channel(port: server.port, password: "mail-pass", caFile: nil).deliver(HTTPChannelTests.outage())
        } throws: { e in (e as? DeliveryError)?.code == "tls" }
    }

    @Test func plainSMTPToANetworkHostWithoutSTARTTLSIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let server = try startServer(dir, tls: false)
        defer { server.stop() }
        let c = channel(port: server.port, password: "mail-pass", caFile: nil)
        #expect(c.server.requiresSTARTTLS)
        #expect {
            _ = try c.deliver(HTTPChannelTests.outage())
        } throws: { e in (e as? DeliveryError)?.code == "tls" }
        #expect(!FileManager.default.fileExists(atPath: dir.file("1.eml")))
        // Loopback by its address needs no STARTTLS.
        #expect(!SMTPServer(url: "smtp://127.0.0.1:25").requiresSTARTTLS)
        #expect(!SMTPServer(url: "smtps://mail.example.net").requiresSTARTTLS)
    }
}
