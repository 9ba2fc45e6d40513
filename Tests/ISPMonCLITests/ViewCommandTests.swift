import Foundation
import Testing
import TestSupport
import ISPMonCore

/// The view commands on a real store: two hours of a home network with an ISP
/// fault from 12:30 to 12:40 and a resolver fault from 13:20 to 13:25.
@Suite(.serialized) struct ViewCommandTests {
    static func scenario() -> [Event] {
        let t0: Int64 = 1_772_366_400_000_000  // 2026-03-01T12:00:00Z
        let targets: [(String, Role, Int64)] = [("router", .gateway, 400), ("isp-edge", .isp, 4_000),
                                                ("one", .internet, 11_000), ("two", .internet, 13_000),
                                                ("resolver", .dns, 12_000)]
        var events = [Event(time: Timestamp(microseconds: t0), body: .monitor(MonitorState(state: .started)))]
        for i in stride(from: Int64(0), to: 7200, by: 5) {
            for (k, (name, role, base)) in targets.enumerated() {
                let t = t0 + i * 1_000_000 + Int64(k) * 1000
                let ispFault = (1800..<2400).contains(i) && role != .gateway
                let dnsFault = (4800..<5100).contains(i) && role == .dns
                let outcome: Probe.Outcome = ispFault || dnsFault ? .failed(error: "timeout") : .ok(rtt: base + (i % 3) * 1000)
                events.append(Event(time: Timestamp(microseconds: t), body: .probe(Probe(
                    target: name, role: role, method: role == .dns ? .dns : .icmp, outcome: outcome))))
            }
        }
        events.append(Event(time: Timestamp(microseconds: t0 + 7_200_000_000), body: .monitor(MonitorState(state: .stopped))))
        return events
    }

    @Test func availabilityOfTheRangeAndPerDayOfAZone() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Self.scenario()), data: dir.path).status == 0)
        // Two monitored hours; the ISP's fault is 599.999 s (cause isp), the resolver's 300 s.
        let whole = try CLI.run(["availability", "--json"], data: dir.path)
        #expect(whole.status == 0, "\(whole.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: whole.stdout) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["period"] as? String == "")
        #expect(rows.first?["monitored_s"] as? Double == 7200)
        #expect(rows.first?["connectivity_down_s"] as? Double == 599.999)
        #expect(rows.first?["isp_down_s"] as? Double == 599.999)
        #expect(rows.first?["dns_down_s"] as? Double == 300)
        let text = String(decoding: whole.stdout, as: UTF8.self)
        #expect(text.contains(#""connectivity_pct":91.67,"dns_pct":95.83,"isp_pct":91.67"#), "exactly two decimals: \(text)")

        // 12:00 to 14:00 UTC is 02:00 to 04:00 of the next day at UTC+14.
        let kiribati = try CLI.run(["availability", "--csv", "--per", "day", "--tz", "Pacific/Kiritimati"], data: dir.path)
        #expect(kiribati.status == 0, "\(kiribati.stderr)")
        let lines = String(decoding: kiribati.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "period,start,end,monitored_s,unmonitored_s,connectivity_down_s,dns_down_s,isp_down_s,connectivity_pct,dns_pct,isp_pct")
        #expect(lines.dropFirst().map { $0.split(separator: ",").first ?? "" } == ["2026-03-02"])

        let table = try CLI.run(["availability", "--per", "week"], data: dir.path)
        #expect(table.status == 0)
        #expect(String(decoding: table.stdout, as: UTF8.self).contains("2026-W09"))

        let badZone = try CLI.run(["availability", "--tz", "Mars/Olympus_Mons"], data: dir.path)
        #expect(badZone.status != 0)
        #expect(badZone.stderr.contains("Mars/Olympus_Mons"), "\(badZone.stderr)")
    }

    @Test func outagesLatencyStatusAndNotes() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Self.scenario()), data: dir.path).status == 0)

        let outages = try CLI.run(["outages", "--json"], data: dir.path)
        #expect(outages.status == 0, "\(outages.stderr)")
        let list = try JSONSerialization.jsonObject(with: outages.stdout) as! [[String: Any]]
        #expect(list.count == 2)
        // The edge, both internet hosts and the resolver fail from 12:30:00; the internet layer is
        // down from its later host's first failure (12:30:00.003) to the first success at 12:40:00.002.
        #expect(list[0]["id"] as? String == "c-20260301T123000.003000Z")
        #expect(list[0]["kind"] as? String == "connectivity")
        #expect(list[0]["end"] as? String == "2026-03-01T12:40:00.002000Z")
        #expect(list[0]["duration_s"] as? Double == 599.999)
        #expect(list[0]["cause"] as? String == "isp")
        #expect(list[0]["culprits"] as? [String] == ["isp-edge"])
        #expect(list[1]["id"] as? String == "d-20260301T132000.004000Z")
        #expect(list[1]["cause"] as? String == "dns")
        #expect(list[1]["duration_s"] as? Double == 300)

        let latency = try CLI.run(["latency", "--json", "--target", "one"], data: dir.path)
        let hours = try JSONSerialization.jsonObject(with: latency.stdout) as! [[String: Any]]
        // 12:00–13:00: 720 probes, 120 lost in the fault; RTTs cycle 11, 12, 13 ms.
        #expect(hours.count == 2)
        #expect(hours[0]["hour"] as? String == "2026-03-01T12:00:00Z")
        #expect(hours[0]["sent"] as? Int == 720)
        #expect(hours[0]["lost"] as? Int == 120)
        #expect(hours[0]["min_ms"] as? Double == 11)
        #expect(hours[0]["max_ms"] as? Double == 13)
        #expect(hours[0]["avg_ms"] as? Double == 12)
        #expect(hours[1]["loss_pct"] as? Double == 0)
        let daily = try CLI.run(["latency", "--daily", "--csv", "--target", "one"], data: dir.path)
        #expect(daily.out.hasPrefix("target,day,sent,lost,loss_pct,min_ms,avg_ms,max_ms,p50_ms,p95_ms,p99_ms,jitter_ms\none,2026-03-01,1440,120,8.333,11,12,13,"))

        let note = try CLI.run(["note", "c-20260301T123000.003000Z", "ISP confirmed a cabinet fault"], data: dir.path)
        #expect(note.status == 0, "\(note.stderr)")
        let unknown = try CLI.run(["note", "c-20990101T000000Z", "nope"], data: dir.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no outage c-20990101T000000Z"))
        let noted = try JSONSerialization.jsonObject(with: try CLI.run(["outages", "--json"], data: dir.path).stdout) as! [[String: Any]]
        #expect((noted[0]["notes"] as? [[String: Any]])?.first?["text"] as? String == "ISP confirmed a cabinet fault")

        // As of 12:35 the ISP outage was open and the internet down.
        let status = try CLI.run(["status", "--json", "--as-of", "2026-03-01T12:35:00Z"], data: dir.path)
        let s = try JSONSerialization.jsonObject(with: status.stdout) as! [String: Any]
        #expect(s["connectivity"] as? String == "down")
        #expect(s["monitor"] as? String == "running")
        #expect((s["open_outage"] as? [String: Any])?["end"] is NSNull)
        #expect((s["targets"] as? [[String: Any]])?.count == 5)
        let replay = try CLI.run(["replay", "--json"], data: dir.path)
        let r = try JSONSerialization.jsonObject(with: replay.stdout) as! [String: Any]
        #expect(r["events"] as? Int == Self.scenario().count + 1)  // and the note
        #expect(r["events_per_s"] is Double || r["events_per_s"] is Int)
        // Now, after `monitor stopped`, nothing is known.
        let now = try JSONSerialization.jsonObject(with: try CLI.run(["status", "--json"], data: dir.path).stdout) as! [String: Any]
        #expect(now["connectivity"] as? String == "unknown")
        #expect(now["monitor"] as? String == "stopped")
    }
}
