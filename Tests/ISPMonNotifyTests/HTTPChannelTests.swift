import Foundation
@testable import ISPMonNotify
import ISPMonConfig
import ISPMonCore
import Logging
import TestSupport
import Testing

/// The HTTP channels against a real receiver on loopback (Receivers/http_catcher.py): what
/// arrives, byte for byte where it matters, and how failures are named.
@Suite(.enabled(if: pythonAvailable, "python3 is not installed (the HTTP catcher is a python script)"))
struct HTTPChannelTests {
    static let outageJSON = #"{"id":"c-20260301T120005Z","kind":"connectivity","start":"2026-03-01T12:00:05.000000Z","end":null,"cause":"isp","culprits":["isp-edge"]}"#

    static func outage(key: String = "c-20260301T120005Z/outage") -> ISPMonNotify.Notification {
        ISPMonNotify.Notification(key: key, site: "home", trigger: .outage, time: Timestamp(microseconds: 1_772_366_405_000_000),
                     title: "Internet down at home (cause: isp)", text: "Down since 12:00:05 UTC.\nCause: isp (isp-edge).",
                     priority: 4, tags: ["warning", "rotating_light"], link: "http://ispmon.lan:8080/outages/c-20260301T120005Z",
                     outageJSON: outageJSON)
    }

    static let logger = Logger(label: "test")

    func channel(_ settings: MonitorConfig.NotifyChannel) throws -> any NotificationChannel {
        try ChannelFactory.make(settings, site: "home", logger: HTTPChannelTests.logger)
    }

    @Test func ntfyPostsTheTextWithItsHeaders() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        var s = MonitorConfig.NotifyChannel(name: "phone", kind: .ntfy)
        s.url = catcher.url + "/ispmon-alerts"
        var n = HTTPChannelTests.outage()
        n.title = "Internet down at home — cause: isp"
        let answer = try channel(s).deliver(n)
        #expect(answer.hasPrefix("HTTP 200"))
        let requests = catcher.requests
        try #require(requests.count == 1)
        let r = requests[0]
        #expect(r.method == "POST")
        #expect(r.path == "/ispmon-alerts")
        #expect(r.text == n.text)
        #expect(r.headers["priority"] == "4")
        #expect(r.headers["tags"] == "warning,rotating_light")
        #expect(r.headers["click"] == n.link)
        #expect(r.headers["idempotency-key"] == "c-20260301T120005Z/outage")
        #expect(r.headers["user-agent"] == "ispmon/\(ISPMonVersion.current)")
        // Not ASCII: an RFC 2047 encoded word, which ntfy decodes.
        let title = try #require(r.headers["title"])
        #expect(title.hasPrefix("=?UTF-8?B?") && title.hasSuffix("?="))
        let encoded = String(title.dropFirst(10).dropLast(2))
        #expect(Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } == n.title)
    }

    @Test func webhookPostsJSONSignedWithTheSecret() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        let secretFile = dir.file("hook-secret")
        try Data("s3cr3t-key\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        var s = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        s.url = catcher.url + "/api/send"
        s.secretFile = secretFile
        let n = HTTPChannelTests.outage()
        _ = try channel(s).deliver(n)
        let r = try #require(catcher.requests.first)
        #expect(r.method == "POST" && r.path == "/api/send")
        #expect(r.headers["content-type"] == "application/json")
        #expect(r.headers["idempotency-key"] == n.key)
        let body = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        #expect(body["key"] as? String == n.key)
        #expect(body["site"] as? String == "home")
        #expect(body["trigger"] as? String == "outage")
        #expect(body["time"] as? String == "2026-03-01T12:00:05.000000Z")
        #expect(body["text"] as? String == n.text)
        #expect((body["outage"] as? [String: Any])?["cause"] as? String == "isp")
        #expect(body["speedtest"] is NSNull)
        // The signature, computed independently (python's hmac) over the bytes that arrived,
        // with the key as the file holds it less its line break.
        let bodyFile = dir.file("body")
        try r.body.write(to: URL(fileURLWithPath: bodyFile))
        let python = try #require(ReceiverProcess.tool("python3"))
        let expected = try ChildProcess.run(python, ["-c", """
            import hmac, hashlib, sys
            key = open(sys.argv[1], 'rb').read().rstrip(b'\\n')
            print(hmac.new(key, open(sys.argv[2], 'rb').read(), hashlib.sha256).hexdigest())
            """, secretFile, bodyFile]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(expected.count == 64)
        #expect(r.headers["x-ispmon-signature"] == "sha256=" + expected)
    }

    @Test func webhookWithoutSecretIsUnsignedAndTestHasNullTrigger() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        var s = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        s.url = catcher.url + "/"
        let n = ISPMonNotify.Notification(key: "test/20261207T074019Z", site: "home", trigger: nil, time: Timestamp(microseconds: 0),
                             title: "t", text: "say \"hi\"\n\u{1}")
        _ = try channel(s).deliver(n)
        let r = try #require(catcher.requests.first)
        #expect(r.headers["x-ispmon-signature"] == nil)
        let body = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        #expect(body["trigger"] is NSNull)
        #expect(body["outage"] is NSNull)
        #expect(body["text"] as? String == n.text)
    }

    @Test func smsPostsOneFormPerNumberWithBasicAuth() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        let tokenFile = dir.file("token")
        try Data("tok-123\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        var s = MonitorConfig.NotifyChannel(name: "sms", kind: .sms)
        s.url = catcher.url + "/2010-04-01/Accounts/AC1/Messages.json"
        s.account = "AC1"
        s.tokenFile = tokenFile
        s.from = "+15550000000"
        s.to = ["+15551111111", "+15552222222"]
        let n = HTTPChannelTests.outage()
        let answer = try channel(s).deliver(n)
        #expect(answer.contains("+15551111111") && answer.contains("+15552222222"))
        let requests = catcher.requests
        try #require(requests.count == 2)
        for (r, number) in zip(requests, s.to) {
            #expect(r.method == "POST" && r.path == "/2010-04-01/Accounts/AC1/Messages.json")
            #expect(r.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(r.headers["authorization"] == "Basic " + Data("AC1:tok-123".utf8).base64EncodedString())
            #expect(r.headers["idempotency-key"] == n.key + ":" + number)
            var form = URLComponents()
            form.percentEncodedQuery = r.text
            let fields = Dictionary(uniqueKeysWithValues: (form.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(fields["To"] == number)
            #expect(fields["From"] == "+15550000000")
            #expect(fields["Body"] == n.title + "\n" + n.text)
        }
    }

    @Test func appriseNotifiesWithTitleBodyAndTag() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        var s = MonitorConfig.NotifyChannel(name: "apprise", kind: .apprise)
        s.url = catcher.url
        s.tag = "family"
        var keyed = s
        keyed.url = catcher.url + "/notify/ispmon"
        let n = HTTPChannelTests.outage()
        _ = try channel(s).deliver(n)
        _ = try channel(keyed).deliver(n)
        let requests = catcher.requests
        try #require(requests.count == 2)
        #expect(requests[0].path == "/notify")
        #expect(requests[1].path == "/notify/ispmon")
        for r in requests {
            #expect(r.method == "POST" && r.headers["content-type"] == "application/json")
            #expect(r.headers["idempotency-key"] == n.key)
            let body = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
            #expect(body["title"] as? String == n.title)
            #expect((body["body"] as? String)?.hasPrefix(n.text) == true)
            #expect(body["tag"] as? String == "family")
            #expect(body["type"] as? String == "failure")
        }
    }

    @Test func anErrorStatusIsHTTPStatus() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        var s = MonitorConfig.NotifyChannel(name: "phone", kind: .ntfy)
        s.url = catcher.url + "/status/500"
        #expect {
            _ = try channel(s).deliver(HTTPChannelTests.outage())
        } throws: { e in
            guard let e = e as? DeliveryError else { return false }
            return e.code == "http-status" && e.detail.hasPrefix("HTTP 500")
        }
        #expect(catcher.requests.count == 1)
    }

    @Test func aReceiverThatNeverAnswersTimesOut() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        var s = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        s.url = catcher.url + "/hang"
        #expect {
            _ = try channel(s).deliver(HTTPChannelTests.outage())
        } throws: { e in (e as? DeliveryError)?.code == "timeout" }
        #expect(catcher.requests.count == 1)
    }

    @Test func aPortNobodyListensOnIsRefused() throws {
        var s = MonitorConfig.NotifyChannel(name: "phone", kind: .ntfy)
        s.url = "http://127.0.0.1:\(try unusedPort())/topic"
        #expect {
            _ = try channel(s).deliver(HTTPChannelTests.outage())
        } throws: { e in (e as? DeliveryError)?.code == "refused" }
    }

    @Test func aSecretFileMissingOrEmptyIsNamed() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var s = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        s.url = "http://127.0.0.1:9/"
        s.secretFile = dir.file("absent")
        #expect {
            _ = try channel(s)
        } throws: { e in
            let text = "\(e)"
            return text.contains("'hook'") && text.contains("secret_file") && text.contains(dir.file("absent"))
                && (e as? ChannelSetupError)?.code == "secret"
        }
        try Data("\n".utf8).write(to: URL(fileURLWithPath: dir.file("empty")))
        s.secretFile = dir.file("empty")
        #expect {
            _ = try channel(s)
        } throws: { e in "\(e)".contains("is empty") }
    }

    @Test func heartbeatGetsTheURL() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let catcher = try HTTPCatcher(dir)
        let ping = HeartbeatPing(MonitorConfig.Heartbeat(url: try #require(HTTPURL(catcher.url + "/ping/0f3c"))))
        #expect(try ping.ping().hasPrefix("HTTP 200"))
        let failing = HeartbeatPing(MonitorConfig.Heartbeat(url: try #require(HTTPURL(catcher.url + "/status/503"))))
        #expect { try failing.ping() } throws: { e in (e as? DeliveryError)?.code == "http-status" }
        let requests = catcher.requests
        #expect(requests.map(\.method) == ["GET", "GET"])
        #expect(requests.first?.path == "/ping/0f3c")
        #expect(requests.first?.headers["user-agent"] == "ispmon/\(ISPMonVersion.current)")
    }
}

/// A loopback port nothing listens on (bound, then closed).
func unusedPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { s in
            bind(fd, s, len) == 0 && getsockname(fd, s, &len) == 0
        }
    }
    guard ok else { throw ReceiverFailure("no free port") }
    return UInt16(bigEndian: addr.sin_port)
}
