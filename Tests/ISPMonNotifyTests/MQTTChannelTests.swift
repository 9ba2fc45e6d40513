import Foundation
@testable import ISPMonNotify
import ISPMonConfig
import ISPMonControl
import ISPMonCore
import TestSupport
import Testing

/// The mqtt channel against a mosquitto broker the test starts on loopback (without
/// persistence: a restart loses every retained message), read back by mosquitto_sub.
@Suite(.enabled(if: ReceiverProcess.tool("mosquitto") != nil, "mosquitto is not installed (apt-get install mosquitto)"),
       .enabled(if: ReceiverProcess.tool("mosquitto_sub") != nil, "mosquitto_sub is not installed (apt-get install mosquitto-clients)"))
struct MQTTChannelTests {
    /// `log`: the broker's log file (its connections and disconnections), else none.
    func startBroker(_ dir: TempDir, port: UInt16, log: String? = nil) throws -> ReceiverProcess {
        let conf = dir.file("mosquitto.conf")
        // `user`: as root, mosquitto would write as its own user, who cannot enter the test's directory.
        let logging = log.map { "log_dest file \($0)\nlog_type all\nuser \(getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "root")\n" } ?? ""
        try Data("listener \(port) 127.0.0.1\nallow_anonymous true\npersistence false\n\(logging)".utf8).write(to: URL(fileURLWithPath: conf))
        return try ReceiverProcess(try #require(ReceiverProcess.tool("mosquitto")), ["-c", conf], port: port)
    }

    /// Every retained message under the site's and the discovery's topics (mosquitto_sub prints
    /// the retained ones at once; -W ends it when no more come).
    func retained(port: UInt16, count: Int) throws -> [String: String] {
        let sub = try #require(ReceiverProcess.tool("mosquitto_sub"))
        let out = try ChildProcess.run(sub, ["-h", "127.0.0.1", "-p", String(port), "-v", "-C", String(count), "-W", "10",
                                                "--retained-only", "-t", "ispmon/#", "-t", "homeassistant/#"]).out
        var topics: [String: String] = [:]
        for line in out.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            topics[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return topics
    }

    @Test func publishesRetainedStateAndDiscoveryAgainAfterTheBrokerRestarts() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let port = try unusedPort()
        var broker = try startBroker(dir, port: port)
        defer { broker.stop() }
        var s = MonitorConfig.NotifyChannel(name: "ha", kind: .mqtt)
        s.url = "mqtt://127.0.0.1:\(port)"
        let channel = try #require(try ChannelFactory.make(s, site: "home", logger: HTTPChannelTests.logger) as? MQTTChannel)
        var n = HTTPChannelTests.outage()
        n.state = SiteState(connectivityUp: false, dnsUp: true, outageJSON: HTTPChannelTests.outageJSON,
                            speedtestJSON: #"{"time":"2026-03-01T11:00:00.000000Z","server":"s","ok":true,"down_mbps":93.2,"up_mbps":19.1,"rtt_ms":12.5,"error":null}"#)
        let answer = try channel.deliver(n)
        #expect(answer.contains("acknowledged"))

        func check(_ topics: [String: String]) throws {
            #expect(topics["ispmon/home/connectivity"] == "down")
            #expect(topics["ispmon/home/dns"] == "up")
            #expect(topics["ispmon/home/outage"] == HTTPChannelTests.outageJSON)
            #expect(topics["ispmon/home/speedtest"]?.contains("\"down_mbps\":93.2") == true)
            let config = try #require(topics["homeassistant/binary_sensor/ispmon_home/connectivity/config"])
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
            #expect(doc["state_topic"] as? String == "ispmon/home/connectivity")
            #expect(doc["device_class"] as? String == "connectivity")
            #expect(doc["payload_on"] as? String == "up" && doc["payload_off"] as? String == "down")
            #expect(doc["unique_id"] as? String == "ispmon_home_connectivity")
            #expect(topics["homeassistant/binary_sensor/ispmon_home/dns/config"] != nil)
            #expect(topics["homeassistant/sensor/ispmon_home/outage/config"] != nil)
            let download = try #require(topics["homeassistant/sensor/ispmon_home/download/config"])
            #expect(download.contains("\"value_template\":\"{{ value_json.down_mbps }}\""))
            #expect(topics["homeassistant/sensor/ispmon_home/upload/config"] != nil)
        }
        try check(try retained(port: port, count: 9))

        // A restart without persistence forgets them; the channel reconnects and publishes again.
        let before = channel.connection.connects
        broker.stop()
        broker = try startBroker(dir, port: port)
        let deadline = Date().addingTimeInterval(30)
        while channel.connection.connects == before && Date() < deadline { usleep(100_000) }
        try #require(channel.connection.connects > before, "the channel did not reconnect")
        try check(try retained(port: port, count: 9))
    }

    /// mqtts:// with a certificate made here (trusted through ca_file) and a login.
    @Test(.enabled(if: ReceiverProcess.tool("mosquitto_passwd") != nil && ReceiverProcess.tool("openssl") != nil,
                   "mosquitto_passwd or openssl is not installed"))
    func logsInOverTLS() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let openssl = try #require(ReceiverProcess.tool("openssl"))
        try #require(try ChildProcess.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                                       "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
                                                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]).status == 0)
        try #require(try ChildProcess.run(try #require(ReceiverProcess.tool("mosquitto_passwd")),
                                             ["-c", "-b", dir.file("passwd"), "homeassistant", "broker-pass"]).status == 0)
        let port = try unusedPort()
        let conf = dir.file("mosquitto.conf")
        // user root: the broker keeps reading the test's private directory after it started.
        try Data("""
            user root
            listener \(port) 127.0.0.1
            certfile \(dir.file("cert.pem"))
            keyfile \(dir.file("key.pem"))
            allow_anonymous false
            password_file \(dir.file("passwd"))
            persistence false

            """.utf8).write(to: URL(fileURLWithPath: conf))
        let broker = try ReceiverProcess(try #require(ReceiverProcess.tool("mosquitto")), ["-c", conf], port: port)
        defer { broker.stop() }
        try Data("broker-pass\n".utf8).write(to: URL(fileURLWithPath: dir.file("mqtt-password")))
        var s = MonitorConfig.NotifyChannel(name: "ha", kind: .mqtt)
        s.url = "mqtts://127.0.0.1:\(port)"
        s.caFile = dir.file("cert.pem")
        s.username = "homeassistant"
        s.passwordFile = dir.file("mqtt-password")
        var n = HTTPChannelTests.outage()
        n.state = SiteState(connectivityUp: true, dnsUp: true)
        let good = try ChannelFactory.make(s, site: "home", logger: HTTPChannelTests.logger)
        #expect(try good.deliver(n).contains("acknowledged"))

        try Data("wrong\n".utf8).write(to: URL(fileURLWithPath: dir.file("mqtt-password")))
        let refused = try ChannelFactory.make(s, site: "home", logger: HTTPChannelTests.logger)
        #expect {
            _ = try refused.deliver(n)
        } throws: { e in
            guard let e = e as? DeliveryError else { return false }
            return e.code == "mqtt" && !e.detail.contains("wrong")
        }
    }

    /// A test message (`ispmon notify test`, the settings page's button) beside a running notifier's
    /// connection: its own connection with a client id of its own, so the broker does not close the
    /// notifier's (a broker keeps one connection per client id and drops the older, and the
    /// settings page's test runs in the notifier's process, with its process id in the client id).
    @Test func aTestMessageLeavesTheNotifiersConnectionUp() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let port = try unusedPort()
        let log = dir.file("mosquitto.log")
        let broker = try startBroker(dir, port: port, log: log)
        defer { broker.stop() }
        var s = MonitorConfig.NotifyChannel(name: "ha", kind: .mqtt)
        s.url = "mqtt://127.0.0.1:\(port)"
        let notifiers = try #require(try ChannelFactory.make(s, site: "home", logger: HTTPChannelTests.logger) as? MQTTChannel)
        var n = HTTPChannelTests.outage()
        n.state = SiteState(connectivityUp: true, dnsUp: true)
        _ = try notifiers.deliver(n)

        let tester = ChannelTester(channels: [s], site: "home", origin: { "a test of \($0)" }, logger: HTTPChannelTests.logger)
        let outcome = tester.sendTest(channel: "ha")
        #expect(outcome.delivered && outcome.description.contains("retained topics acknowledged"), "\(outcome)")
        // The broker says so in its log when a second connection takes a client id over (before
        // it answers the new one, so before the test's publish was acknowledged).
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(said.contains("ispmon-home-ha-\(getpid())-test"), "the test's connection: \(said)")
        #expect(!said.contains("already connected, closing old connection"), "\(said)")
        _ = try notifiers.deliver(n)
        #expect(notifiers.connection.connects == 1, "the notifier's connection never dropped")
    }

    @Test func aBrokerThatIsNotThereFailsTheAttempt() throws {
        let port = try unusedPort()
        var s = MonitorConfig.NotifyChannel(name: "ha", kind: .mqtt)
        s.url = "mqtt://127.0.0.1:\(port)"
        let channel = try ChannelFactory.make(s, site: "home", logger: HTTPChannelTests.logger)
        var n = HTTPChannelTests.outage()
        n.state = SiteState(connectivityUp: true, dnsUp: true)
        #expect {
            _ = try channel.deliver(n)
        } throws: { e in (e as? DeliveryError)?.code == "refused" }
    }

    @Test func discoveryDocumentsAreValidJSON() throws {
        let configs = HomeAssistantDiscovery.configs(site: "home", topicPrefix: "ispmon", discoveryPrefix: "homeassistant")
        #expect(configs.count == 5)
        for c in configs {
            #expect(c.topic.hasPrefix("homeassistant/") && c.topic.hasSuffix("/config"))
            let doc = try JSONSerialization.jsonObject(with: Data(c.payload)) as? [String: Any]
            #expect((doc?["state_topic"] as? String)?.hasPrefix("ispmon/home/") == true)
        }
    }
}
