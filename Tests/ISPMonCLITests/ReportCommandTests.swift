import Foundation
import ISPMonCore
import Testing
import TestSupport

/// `ispmon report --format json|csv` through the binary, on ten days of faults with speed tests
/// (docs/reports.md): its numbers against an independent computation from the events and against
/// the commands that give the same numbers, and its SHA-256 against the printed command's bytes.
@Suite(.serialized) struct ReportCommandTests {
    static let day: Int64 = 86_400_000_000, hour: Int64 = 3_600_000_000
    static let t0: Int64 = 1_772_323_200_000_000  // 2026-03-01T00:00:00Z, where SyntheticFaults begins

    /// Ten days of faults; a speed test every 5 hours: most fine, every third slow, every seventh failed.
    static let events: [Event] = {
        var events = SyntheticFaults(days: 10, seed: 13).events
        for i in 0..<48 {
            let t = t0 + Int64(i) * 5 * hour + 1_234_567
            let outcome: SpeedTest.Outcome = i % 7 == 3 ? .failed(error: "timeout") : .ok(downMbps: i % 3 == 0 ? 40 + Double(i) : 95 + Double(i % 5), upMbps: 19.5)
            events.append(Event(time: Timestamp(microseconds: t), body: .speedtest(SpeedTest(server: "http://203.0.113.20/down", outcome: outcome, rtt: 9_000))))
        }
        return events.sorted { $0.time < $1.time }
    }()

    struct Lab {
        let dir = TempDir()
        var config: String { dir.file("config.yaml") }

        init() throws {
            try "site: lab\nplan:\n  down_mbps: 100\n  up_mbps: 20\n  below_pct: 80\n".write(toFile: config, atomically: true, encoding: .utf8)
            let r = try CLI.run(["import", "-"], stdin: ndjson(ReportCommandTests.events), data: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }

        /// `report` takes the lab's config (its site and plan); the other commands need none.
        func run(_ args: [String]) throws -> CLI.Result {
            try CLI.run(args + (["report", "evidence"].contains(args.first ?? "") ? ["--config", config] : []), data: dir.path)
        }

        func json(_ args: [String]) throws -> [String: Any] {
            let r = try run(["report", "--format", "json"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any], "\(r.out)")
        }
    }

    /// Monitored time from the events alone (reports.md): each `started` to the next `stopped`; a
    /// `started` that comes first ends the run at the last event recorded before it; the run still
    /// open ends at the newest recorded event; before any monitor event, from the first recorded one.
    static func monitored(_ events: [Event]) -> [(Int64, Int64)] {
        var runs: [(Int64, Int64)] = []
        var open: Int64?
        var last: Int64?
        for e in events {
            if case .note = e.body { continue }
            let t = e.time.microseconds
            if last == nil { open = t }  // the log's first recorded event opens a run, whatever it is
            if case .monitor(let m) = e.body {
                switch m.state {
                case .stopped:
                    if let s = open { runs.append((s, t)) }
                    open = nil
                case .started:
                    if let s = open, let l = last { runs.append((s, l)) }
                    open = t
                case .reloaded: break
                }
            }
            last = t
        }
        if let s = open, let l = last { runs.append((s, l)) }
        return runs
    }

    /// The length of the union of `intervals` within [from, to).
    static func covered(_ intervals: [(Int64, Int64)], from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0, reach = from
        for (s, e) in intervals.map({ (max($0.0, from), min($0.1, to)) }).filter({ $0.0 < $0.1 }).sorted(by: { $0.0 < $1.0 }) {
            let start = max(s, reach)
            if e > start { total += e - start; reach = e }
        }
        return total
    }

    static func percent(up: Int64, of total: Int64) -> String {
        let hundredths = (20_000 * up + total) / (2 * total)
        return String(format: "%d.%02d", hundredths / 100, hundredths % 100)
    }

    @Test func aWeeksNumbersAreTheEventsAndTheCommandsNumbers() throws {
        let lab = try Lab()
        defer { lab.dir.cleanup() }
        let report = try lab.json(["--week", "2026-W10"])
        // 2026-W10 in UTC: Monday 2 March to Monday 9 March.
        let start = Self.t0 + Self.day, end = Self.t0 + 8 * Self.day
        #expect(report["site"] as? String == "lab" && report["zone"] as? String == "UTC")
        #expect(report["start"] as? String == "2026-03-02T00:00:00.000000Z" && report["end"] as? String == "2026-03-09T00:00:00.000000Z")

        // Availability: monitored time and the union of connectivity outages within it, clipped to the week.
        let outagesRun = try lab.run(["outages", "--json"])
        let all = try #require(try JSONSerialization.jsonObject(with: outagesRun.stdout) as? [[String: Any]])
        func time(_ text: String) -> Int64? {
            var reason = ""
            return Timestamp.parse(rfc3339: Array(text.utf8), reason: &reason)?.microseconds
        }
        func interval(_ o: [String: Any]) -> (Int64, Int64) {
            (time(o["start"] as? String ?? "") ?? 0, (o["end"] as? String).flatMap(time) ?? Int64.max / 2)
        }
        let runs = Self.monitored(Self.events)
        let monitored = Self.covered(runs, from: start, to: end)
        let connectivity = all.filter { $0["kind"] as? String == "connectivity" }.map(interval)
        var down: Int64 = 0
        for run in runs { down += Self.covered(connectivity, from: max(run.0, start), to: min(run.1, end)) }
        #expect(monitored > 6 * Self.day && down > 0)
        #expect(report["monitored_s"] as? Double == Double(monitored) / 1e6)
        #expect(report["unmonitored_s"] as? Double == Double(end - start - monitored) / 1e6)
        #expect(report["downtime_s"] as? Double == Double(down) / 1e6)
        #expect(report["connectivity_availability_pct"] as? Double == Double(Self.percent(up: monitored - down, of: monitored)))
        let isp = all.filter { $0["kind"] as? String == "connectivity" && ["isp", "upstream"].contains($0["cause"] as? String ?? "") }.map(interval)
        var ispDown: Int64 = 0
        for run in runs { ispDown += Self.covered(isp, from: max(run.0, start), to: min(run.1, end)) }
        #expect(ispDown > 0 && ispDown < down, "the ISP answers for some of the week's outages, not the router's")
        #expect(report["isp_availability_pct"] as? Double == Double(Self.percent(up: monitored - ispDown, of: monitored)))

        // The outages: exactly those that overlap the week, as `ispmon outages` gives them.
        let overlapping = all.filter { let (s, e) = interval($0); return s < end && e >= start }.map { $0["id"] as? String }
        let listed = (report["outages"] as? [[String: Any]] ?? []).map { $0["id"] as? String }
        #expect(!listed.isEmpty && listed == overlapping)
        let command = try lab.run(["outages", "--json", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-08T23:59:59.999999Z"])
        #expect((try JSONSerialization.jsonObject(with: command.stdout) as? [[String: Any]])?.map { $0["id"] as? String } == listed)
        // The availability is the command's for the week.
        let availability = try lab.run(["availability", "--json", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-09T00:00:00Z"])
        let whole = try #require((try JSONSerialization.jsonObject(with: availability.stdout) as? [[String: Any]])?.first)
        #expect("\(whole["connectivity_pct"] ?? "")" == "\(report["connectivity_availability_pct"] ?? "-")")

        // Speed tests: the week's, as `ispmon speedtests` lists them, against the plan (80 % of 100/20).
        let testsRun = try lab.run(["speedtests", "--json", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-08T23:59:59.999999Z"])
        let tests = try #require(try JSONSerialization.jsonObject(with: testsRun.stdout) as? [[String: Any]])
        let ok = tests.filter { $0["ok"] as? Bool == true }
        let downs = ok.compactMap { $0["down_mbps"] as? Double }.sorted()
        let summary = try #require(report["speedtests"] as? [String: Any])
        let mine = Self.events.filter { if case .speedtest = $0.body { $0.time.microseconds >= start && $0.time.microseconds < end } else { false } }
        #expect(summary["count"] as? Int == tests.count && tests.count == mine.count && mine.count > 30)
        #expect(summary["failures"] as? Int == tests.count - ok.count && ok.count < tests.count)
        #expect(summary["slow"] as? Int == ok.filter { ($0["down_mbps"] as? Double ?? 0) < 80 || ($0["up_mbps"] as? Double ?? 0) < 16 }.count)
        let median = downs.count % 2 == 1 ? downs[downs.count / 2] : (downs[downs.count / 2 - 1] + downs[downs.count / 2]) / 2
        #expect((summary["down_mbps"] as? [String: Any])?["median"] as? Double == median)
        #expect((summary["down_mbps"] as? [String: Any])?["min"] as? Double == downs.first)
        #expect((summary["down_mbps"] as? [String: Any])?["max"] as? Double == downs.last)

        // The appendix: the events of the week, and the SHA-256 of the printed export command's bytes.
        let counts = try #require(report["events"] as? [String: Any])
        let export = try lab.run(["export", "--since", "2026-03-02T00:00:00.000000Z", "--until", "2026-03-08T23:59:59.999999Z"])
        #expect(export.status == 0)
        let digest = try SystemTool.sha256(Array(export.stdout), in: lab.dir)
        #expect(counts["sha256"] as? String == digest)
        let inWeek = Self.events.filter { $0.time.microseconds >= start && $0.time.microseconds < end }
        #expect(counts["count"] as? Int == inWeek.count)
        #expect((counts["by_type"] as? [String: Int])?["speedtest"] == mine.count)
        #expect((counts["last_seq"] as? Int ?? 0) - (counts["first_seq"] as? Int ?? 0) + 1 == inWeek.count, "the log is in time order")

        // The same log and period: the same bytes.
        let again = try lab.run(["report", "--format", "json", "--week", "2026-W10"])
        let first = try lab.run(["report", "--format", "json", "--week", "2026-W10"])
        #expect(again.stdout == first.stdout)
    }

    @Test func aZonesWeekAcrossADaylightSavingChangeIs167HoursAndTheCSVIsTheCommands() throws {
        let lab = try Lab()
        defer { lab.dir.cleanup() }
        // Berlin's clocks go forward on 29 March 2026: its week 13 is 167 hours.
        let spring = try lab.json(["--week", "2026-W13", "--tz", "Europe/Berlin"])
        #expect(spring["start"] as? String == "2026-03-22T23:00:00.000000Z" && spring["end"] as? String == "2026-03-29T22:00:00.000000Z")
        #expect(spring["zone"] as? String == "Europe/Berlin")
        // And back on 25 October: week 43 is 169 hours.
        let autumn = try lab.json(["--week", "2026-W43", "--tz", "Europe/Berlin"])
        #expect(autumn["start"] as? String == "2026-10-18T22:00:00.000000Z" && autumn["end"] as? String == "2026-10-25T23:00:00.000000Z")

        let csv = try lab.run(["report", "--format", "csv", "--month", "2026-03"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let outages = try lab.run(["outages", "--csv", "--since", "2026-03-01T00:00:00Z", "--until", "2026-03-31T23:59:59.999999Z"])
        let tests = try lab.run(["speedtests", "--csv", "--since", "2026-03-01T00:00:00Z", "--until", "2026-03-31T23:59:59.999999Z"])
        #expect(csv.out == outages.out + "\n" + tests.out)
        let march = Self.events.filter { if case .speedtest = $0.body { true } else { false } }.count
        #expect(csv.out.contains("c-2026") && tests.out.split(separator: "\n").count == march + 1)
    }

    @Test func emptyAndPartPeriodsAreClearAndBadOnesOneError() throws {
        let lab = try Lab()
        defer { lab.dir.cleanup() }
        // Before the log: nothing monitored, nothing counted, the SHA-256 of no bytes.
        let empty = try lab.json(["--week", "2026-W05"])
        #expect(empty["monitored_s"] as? Double == 0 && empty["unmonitored_s"] as? Double == 7 * 86_400)
        #expect(empty["connectivity_availability_pct"] is NSNull && empty["isp_availability_pct"] is NSNull)
        #expect((empty["outages"] as? [Any])?.isEmpty == true)
        let counts = empty["events"] as? [String: Any] ?? [:]
        #expect(counts["count"] as? Int == 0 && counts["first_seq"] is NSNull && counts["last_seq"] is NSNull)
        #expect(counts["sha256"] as? String == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let tests = empty["speedtests"] as? [String: Any] ?? [:]
        #expect(tests["count"] as? Int == 0 && (tests["down_mbps"] as? [String: Any])?["median"] is NSNull)

        // Starting before the first event: monitored from the first event on.
        let part = try lab.json(["--since", "2026-02-27T00:00:00Z", "--until", "2026-03-02T00:00:00Z"])
        let monitored = Self.covered(Self.monitored(Self.events), from: Self.t0 - 2 * Self.day, to: Self.t0 + Self.day)
        #expect(part["monitored_s"] as? Double == Double(monitored) / 1e6 && monitored <= Self.day)

        for (args, says) in [(["--week", "2026-W54"], "--week 2026-W54"), (["--month", "2026-13"], "--month 2026-13"),
                             (["--since", "2026-03-02T00:00:00Z"], "both --since and --until"),
                             (["--week", "2026-W10", "--month", "2026-03"], "choose one period"),
                             (["--week", "2026-W10", "--tz", "Mars/Olympus"], "Mars/Olympus")] {
            let r = try lab.run(["report", "--format", "json"] + args)
            #expect(r.status != 0 && r.out.isEmpty, "\(args)")
            #expect(r.stderr.contains(says), "\(args): \(r.stderr)")
        }
    }
}

/// The PDF form: real text that `pdftotext` reads (every outage id, the availability, the
/// SHA-256), pages that `pdftoppm` renders, on A4 and Letter, a week and a month.
@Suite(.serialized) struct ReportPDFTests {
    @Test(arguments: [(["--week", "2026-W10"], "a4", "595.276 x 841.89"), (["--month", "2026-03", "--tz", "Europe/Berlin"], "letter", "612 x 792")])
    func thePDFHasEveryNumberOfTheJSONAsTextAndEveryPageRenders(period: [String], paper: String, size: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
            Issue.record("pdftotext is missing: tools/test installs poppler-utils")
            return
        }
        let lab = try ReportCommandTests.Lab()
        defer { lab.dir.cleanup() }
        let json = try lab.json(period)
        let pdf = lab.dir.file("report.pdf")
        let r = try lab.run(["report", "--paper", paper, "--output", pdf] + period)
        #expect(r.status == 0 && r.stderr.contains("wrote \(pdf)"), "\(r.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(bytes.starts(with: Array("%PDF-".utf8)))

        let info = try SystemTool.run("pdfinfo", [pdf]).out
        #expect(info.contains("Page size:       \(size) pts"), "\(info)")
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(pages >= 3)

        let text = try SystemTool.run("pdftotext", ["-layout", pdf, "-"]).out
        let ids = (json["outages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.count > 10)
        for id in ids { #expect(text.contains(id), "outage \(id) is in the PDF's text") }
        let events = json["events"] as? [String: Any] ?? [:]
        #expect(text.contains(events["sha256"] as? String ?? "-"), "the SHA-256")
        for key in ["connectivity_availability_pct", "isp_availability_pct", "dns_availability_pct"] {
            let figure = String(format: "%.2f %%", json[key] as? Double ?? -1)
            #expect(text.contains(figure), "\(key): \(figure)")
        }
        #expect(text.contains("Internet connection report: lab") && text.contains("(\(json["zone"] as? String ?? "-")) · page 1"), "the zone, named")
        #expect(text.contains("ispmon export --since \(json["start"] as? String ?? "-")"), "the command to check it")

        // Every page renders.
        let prefix = lab.dir.file("page")
        #expect(try SystemTool.run("pdftoppm", ["-r", "40", "-png", pdf, prefix]).status == 0)
        let rendered = try FileManager.default.contentsOfDirectory(atPath: lab.dir.path).filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }
        #expect(rendered.count == pages)
        for file in rendered {
            let size = (try FileManager.default.attributesOfItem(atPath: lab.dir.file(file))[.size] as? Int) ?? 0
            #expect(size > 1000, "\(file) has something on it")
        }
    }
}

extension ReportPDFTests {
    /// `--format png`: page 1 as the PDF draws it, two pixels a point (the README's picture).
    @Test func pageOneAsAPNGIsThePagesSizeAndHasThePageOnIt() throws {
        let lab = try ReportCommandTests.Lab()
        defer { lab.dir.cleanup() }
        let png = lab.dir.file("page1.png")
        let r = try lab.run(["report", "--week", "2026-W10", "--format", "png", "--output", png])
        #expect(r.status == 0 && r.stderr.contains("wrote \(png)"), "\(r.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
        func be32(_ at: Int) -> Int { bytes.count < at + 4 ? -1 : bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        // IHDR: A4's 595.276 × 841.89 points at 2 pixels a point, rounded up.
        #expect(be32(16) == 1191 && be32(20) == 1684, "\(be32(16)) × \(be32(20))")
        // Not a blank page: python's zlib unpacks the rows, and some share of the pixels is ink.
        let ink = try SystemTool.run("python3", ["-c", """
            import sys, zlib, struct
            b = open(sys.argv[1], 'rb').read(); i = 8; idat = b''
            while i < len(b):
                n, kind = struct.unpack('>I4s', b[i:i+8]); chunk = b[i+8:i+8+n]
                if kind == b'IDAT': idat += chunk
                if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', chunk[:10])
                i += 12 + n
            raw = zlib.decompress(idat); bpp = {2: 3, 6: 4}[color]; stride = w * bpp + 1
            # Unfiltered bytes are not needed to tell ink from paper roughly: count rows that are not all 0xff after filter 0,
            # and for other filters count any non-zero delta (paper is a run of equal bytes).
            rows = [raw[r*stride:(r+1)*stride] for r in range(h)]
            inked = sum(1 for row in rows if (row[0] == 0 and any(c != 0xff for c in row[1:])) or (row[0] != 0 and any(row[1:])))
            print(inked, h)
            """, png]).out.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(ink.count == 2 && ink[0] > ink[1] / 4, "rows with ink: \(ink)")
    }
}

/// `ispmon evidence`: a zip that unpacks, whose SHA256SUMS check, whose events.ndjson is the
/// export of the outage's window and whose outage.pdf names the outage; an unknown id is one error.
@Suite(.serialized) struct EvidenceCommandTests {
    @Test func theZipUnpacksChecksAndHoldsTheWindowsExport() throws {
        let lab = try ReportCommandTests.Lab()
        defer { lab.dir.cleanup() }
        let outages = try lab.run(["outages", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: outages.stdout) as? [[String: Any]])
        let outage = try #require(list.first { $0["cause"] as? String == "isp" })
        let id = try #require(outage["id"] as? String)
        let zip = lab.dir.file("evidence.zip")
        let r = try lab.run(["evidence", id, "--output", zip, "--tz", "Europe/Berlin"])
        #expect(r.status == 0 && r.stderr.contains("wrote \(zip)"), "\(r.stderr)")

        let unpacked = lab.dir.file("unpacked")
        #expect(try SystemTool.run("python3", ["-m", "zipfile", "-e", zip, unpacked]).status == 0, "it unpacks")
        let names = try FileManager.default.contentsOfDirectory(atPath: unpacked).sorted()
        #expect(names == ["README.txt", "SHA256SUMS", "events.ndjson", "outage.pdf"])
        #expect(try SystemTool.run("sha256sum", ["-c", "SHA256SUMS"], in: unpacked).status == 0, "sha256sum -c SHA256SUMS passes")

        // events.ndjson is exactly the export of the window the README names.
        let readme = try String(contentsOfFile: unpacked + "/README.txt", encoding: .utf8)
        let command = try #require(readme.split(separator: "\n").first { $0.contains("ispmon export --since") })
        let words = command.split(separator: " ").map(String.init)
        let since = try #require(words.firstIndex(of: "--since").map { words[$0 + 1] })
        let until = try #require(words.firstIndex(of: "--until").map { words[$0 + 1] })
        let export = try lab.run(["export", "--since", since, "--until", until])
        let ndjson = try Data(contentsOf: URL(fileURLWithPath: unpacked + "/events.ndjson"))
        #expect(!ndjson.isEmpty && ndjson == export.stdout)
        let start = try #require(outage["start"] as? String)
        #expect(since < start && (outage["end"] as? String ?? "") < until, "10 minutes either side of \(start)")

        if FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") {
            let text = try SystemTool.run("pdftotext", ["-layout", unpacked + "/outage.pdf", "-"]).out
            #expect(text.contains("Outage \(id)") && text.contains("the ISP (beyond the router)") && text.contains("Europe/Berlin"))
            #expect(text.contains("×"), "runs of the same result are folded, with their count")
        } else {
            Issue.record("pdftotext is missing: tools/test installs poppler-utils")
        }

        // The same outage, the same zip, byte for byte.
        let again = lab.dir.file("again.zip")
        _ = try lab.run(["evidence", id, "--output", again, "--tz", "Europe/Berlin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: zip)) == (try Data(contentsOf: URL(fileURLWithPath: again))))
    }

    @Test func anUnknownOutageIsOneErrorAndNoFile() throws {
        let lab = try ReportCommandTests.Lab()
        defer { lab.dir.cleanup() }
        let zip = lab.dir.file("nope.zip")
        let r = try lab.run(["evidence", "c-nope", "--output", zip])
        #expect(r.status != 0 && r.stderr.contains("no outage c-nope"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: zip))
    }
}
