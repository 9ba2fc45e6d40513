import Testing
import ISPMonCore
@testable import ISPMonQuery

/// The CSV forms defuse text that a spreadsheet would run as a formula (OWASP's "CSV Injection"):
/// such a text cell starts with `'`; numbers ispmon wrote itself stay numbers.
@Suite struct CSVFormsTests {
    static let starts = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}"]

    @Test func aTextCellThatStartsAFormulaGetsAQuoteMark() {
        for start in Self.starts {
            #expect(CSVCell.text(start + "HYPERLINK(\"http://203.0.113.9\")").content.hasPrefix("'" + start), "\(start.debugDescription)")
        }
        #expect(CSVCell.text("ticket = 12").content == "ticket = 12", "only the first character counts")
        #expect(CSVCell.text("").content == "")
        #expect(CSVForms.number(-3.5).content == "-3.5")
        #expect(CSVForms.count(-2).content == "-2")
    }

    @Test func eventsDefuseForeignTextAndKeepNegativeNumbers() {
        let t = Timestamp(microseconds: Fixtures.t0)
        let events = [
            Event(time: t, body: .probe(Probe(target: "web", role: .internet, method: .http, outcome: .failed(error: "http-500"),
                                              detail: "=cmd|' /C calc'!A0"))),
            Event(time: t, body: .probe(Probe(target: "one", role: .internet, method: .icmp, outcome: .ok(rtt: -3_500)))),
            Event(time: t, body: .speedtest(SpeedTest(server: "@SUM(1+9)*cmd|' /C calc'!A0", outcome: .failed(error: "+1")))),
            Event(time: t, body: .note(Note(outage: "c-1", text: "-2+3"))),
        ]
        let csv = CSVForms.events(events.enumerated().map { LoggedEvent(seq: UInt64($0.offset + 1), event: $0.element) })
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows[0][9] == "'=cmd|' /C calc'!A0", "\(rows[0])")
        #expect(rows[1][7] == "-3.5", "a number stays a number: \(rows[1])")
        #expect(rows[2][8] == "'+1" && rows[2][14] == "'@SUM(1+9)*cmd|' /C calc'!A0", "\(rows[2])")
        #expect(rows[3][14] == "'-2+3", "\(rows[3])")
    }

    @Test func outagesAndSpeedTestsDefuseTheirText() throws {
        var events: [Event] = []
        for i in 0..<6 {
            let at = Fixtures.t0 + Int64(i) * 10 * Fixtures.second
            events.append(Fixtures.probe("router", .gateway, at: at, rtt: 400))
            events.append(Fixtures.probe("one", .internet, at: at + 1, rtt: i < 2 ? 11_000 : nil))
        }
        var p = Fixtures.projection(events)
        let id = try #require(OutageQuery().answer(p).first?.id)
        p.apply(Event(time: Timestamp(microseconds: Fixtures.t0 + 70 * Fixtures.second), body: .note(Note(outage: id, text: "=1+1, said the ISP"))),
                seq: UInt64(events.count + 1))
        let outages = CSVForms.outages(OutageQuery().answer(p))
        #expect(outages.hasSuffix(",\"'=1+1, said the ISP\"\n"), "\(outages)")

        let tests = Fixtures.projection([Event(time: Timestamp(microseconds: Fixtures.t0), body: .speedtest(SpeedTest(
            server: "-speed.example.net", outcome: .failed(error: "=2"))))])
        let q = SpeedTestQuery()
        let csv = CSVForms.speedTests(q.answer(tests), q)
        #expect(csv.hasSuffix(",'-speed.example.net,false,,,,'=2\n"), "\(csv)")
    }
}
