import Foundation
import ISPMonConfig
import ISPMonCore
@testable import ISPMonNotify
import ISPMonQuery
import ISPMonStore
import Logging
import TestSupport
import Testing

/// The weekly and monthly reports an email channel asks for (`reports:`): due when the log's
/// first event after the week or month comes, in the notifier's zone, and sent once with the PDF.
@Suite struct ReportTriggerTests {
    static let s: Int64 = 1_000_000

    static func probe(_ iso: String) -> Event {
        var reason = ""
        let t = Timestamp.parse(rfc3339: iso.utf8, reason: &reason) ?? Timestamp(microseconds: 0)
        return Event(time: t, body: .probe(Probe(target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 400))))
    }

    static func keys(_ events: [Event], zone: CalendarPeriods.Zone?) -> [String] {
        var d = TriggerDetector(plan: nil)
        d.reportZone = zone
        return events.enumerated().flatMap { i, e in d.observe(e, seq: UInt64(i + 1)).map(\.key) }
    }

    @Test func aWeekAndAMonthEndWhenTheLogPassesThemInTheZone() {
        // Saturday 28 February, then Monday 2 March: February and ISO week 9 have ended.
        let events = ["2026-02-28T23:59:59Z", "2026-03-01T12:00:00Z", "2026-03-02T00:00:01Z", "2026-03-02T00:00:02Z"].map(Self.probe)
        #expect(Self.keys(events, zone: .utc) == ["report/2026-02", "report/2026-W09"])
        #expect(Self.keys(events, zone: nil).isEmpty, "no channel asks for reports")
        // In Berlin (UTC+1) Monday began an hour earlier: 2026-03-01T23:30Z is already week 10 there.
        let berlin = CalendarPeriods.Zone(identifier: "Europe/Berlin")
        #expect(Self.keys(["2026-03-01T22:50:00Z", "2026-03-01T23:30:00Z"].map(Self.probe), zone: berlin) == ["report/2026-W09"])
        #expect(Self.keys(["2026-03-01T22:50:00Z", "2026-03-01T23:30:00Z"].map(Self.probe), zone: .utc).isEmpty)
    }

    @Test func onlyEmailChannelsThatAskForTheReportGetIt() {
        var weekly = MonitorConfig.NotifyChannel(name: "mail", kind: .email)
        weekly.reports = [.weekly]
        var monthly = MonitorConfig.NotifyChannel(name: "boss", kind: .email)
        monthly.reports = [.monthly]
        let hook = MonitorConfig.NotifyChannel(name: "hook", kind: .webhook)
        var box = Outbox(channels: [weekly, monthly, hook].map { Outbox.Channel($0, since: 0) })
        let period = DueNotification.ReportPeriod(cadence: .weekly, label: "2026-W09", start: 0, end: 1)
        box.add(DueNotification(key: "report/2026-W09", trigger: .report, seq: 5, time: Timestamp(microseconds: 1), report: period))
        #expect(box.pending(for: "mail").map(\.due.key) == ["report/2026-W09"])
        #expect(box.pending(for: "boss").isEmpty && box.pending(for: "hook").isEmpty)
    }

    @Test func reportIsNoChoiceOfOn() throws {
        let yaml = "notify:\n  - name: m\n    kind: ntfy\n    url: http://192.0.2.1/t\n    on: [report]\n"
        #expect(throws: ConfigError.self) { try MonitorConfig.parse(yaml, file: "ispmon.yaml") }
    }
}

/// End to end: a notifier on a real store with an email channel (`reports: [weekly]`) and
/// aiosmtpd with STARTTLS: when the log passes the end of a week, one mail with the week's PDF.
@Suite(.enabled(if: ReceiverProcess.pythonHas("aiosmtpd"), "python3 cannot import aiosmtpd (apt-get install python3-aiosmtpd)"),
       .enabled(if: ReceiverProcess.tool("openssl") != nil, "openssl is not installed (it makes the test's certificate)"))
struct ReportEmailTests {
    @Test func theWeeksReportIsMailedOnceWithItsPDF() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let mail = EmailChannelTests()
        let server = try mail.startServer(dir, tls: true)
        defer { server.stop() }
        let channel = mail.channel(port: server.port, password: "mail-pass", caFile: dir.file("cert.pem"))
        var config = MonitorConfig.NotifyChannel(name: "mail", kind: .email)
        config.reports = [.weekly]

        let store = try EventStore(directory: dir.file("store"))
        // Sunday evening of week 9, before the notifier starts.
        _ = try store.append((0..<10).map { ReportTriggerTests.probe("2026-03-01T23:5\($0):00Z") })
        var composer = MessageComposer(site: "home", publicURL: nil, plan: nil, store: store)
        composer.reportZone = .utc
        let notifier = Notifier(store: store, settings: Notifier.Settings(channels: [config], plan: nil), channels: [channel],
                                composer: composer, sink: NotifierTests.StoreSink(store: store),
                                // Monday morning of that week: the report is not older than max_age.
                                clock: .fixed(ReportTriggerTests.probe("2026-03-02T00:10:00Z").time), logger: Logger(label: "test"))
        try notifier.start()
        // Monday: week 9 has ended.
        _ = try store.append((0..<5).map { ReportTriggerTests.probe("2026-03-02T00:0\($0):00Z") })
        NotifierTests.wait("the week's report") { FileManager.default.fileExists(atPath: dir.file("1.eml")) }
        usleep(1_000_000)
        notifier.stop()
        #expect(!FileManager.default.fileExists(atPath: dir.file("2.eml")), "one mail")
        #expect(try NotifierTests.attempts(store) == ["mail report/2026-W09 1 ok"])

        let python = try #require(ReceiverProcess.tool("python3"))
        let parsed = try ChildProcess.run(python, ["-c", """
            import email, email.policy, json, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            parts = [(p.get_content_type(), p.get_filename(), p.get_payload(decode=True) or b"") for p in m.walk() if not p.is_multipart()]
            print(json.dumps({"subject": m["Subject"], "id": m["Message-ID"], "text": parts[0][2].decode(),
                              "files": [[t, f, len(b), b[:5].decode("latin-1")] for t, f, b in parts[1:]]}))
            """, dir.file("1.eml")])
        let m = try #require(try JSONSerialization.jsonObject(with: Data(parsed.out.utf8)) as? [String: Any])
        #expect(m["subject"] as? String == "ispmon report home 2026-W09")
        #expect((m["text"] as? String)?.contains("The week 2026-W09 at home (times in UTC)") == true, "\(m["text"] ?? "")")
        let files = m["files"] as? [[Any]] ?? []
        #expect(files.count == 1 && files.first?[0] as? String == "application/pdf" && files.first?[1] as? String == "ispmon-home-2026-W09.pdf"
                && files.first?[3] as? String == "%PDF-" && (files.first?[2] as? Int ?? 0) > 10_000, "\(files)")
    }
}
