import Foundation
import Testing
import TestSupport
import ISPMonCore

@Suite(.serialized) struct ImportExportTests {
    @Test func importThenExportRoundTripsAMultiDayStreamExactly() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = multiDayStream()
        #expect(events.count > 50_000)
        let input = ndjson(events)
        try input.write(to: URL(fileURLWithPath: dir.file("in.ndjson")))

        let imported = try CLI.run(["import", dir.file("in.ndjson")], data: dir.file("a"))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported \(events.count) events (seq 1…\(events.count))"))

        let exported = try CLI.run(["export"], data: dir.file("a"))
        #expect(exported.status == 0)
        #expect(exported.stdout == ndjson(events, withSeq: true))  // same events, same order, to the microsecond

        // Export → import into an empty store → export: identical.
        let again = try CLI.run(["import", "-"], stdin: exported.stdout, data: dir.file("b"))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try CLI.run(["export"], data: dir.file("b")).stdout == exported.stdout)
        #expect(try CLI.run(["verify"], data: dir.file("b")).status == 0)
    }

    @Test func exportFilters() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = multiDayStream(days: 1)
        #expect(try CLI.run(["import", "-"], stdin: ndjson(events), data: dir.path).status == 0)
        let links = try CLI.run(["export", "--type", "link"], data: dir.path)
        let expectedLinks = events.filter { $0.type == .link }.count
        #expect(links.out.split(separator: "\n").count == expectedLinks)
        let since = try CLI.run(["export", "--since", "2026-03-01T12:00:00Z", "--until", "2026-03-01T13:00:00Z"], data: dir.path)
        let lines = since.out.split(separator: "\n")
        // Read through the event index (only the hours of the range): exactly the events of the range, in log order.
        let noon: Int64 = 1_772_366_400_000_000, one = noon + 3_600_000_000
        #expect(lines.count == events.filter { (noon...one).contains($0.time.microseconds) }.count)
        let linksOfTheAfternoon = try CLI.run(["export", "--type", "link", "--since", "2026-03-01T12:00:00Z"], data: dir.path)
        #expect(linksOfTheAfternoon.out.split(separator: "\n").count
                == events.filter { $0.type == .link && $0.time.microseconds >= noon }.count)
        #expect(lines.allSatisfy { $0.contains("\"time\":\"2026-03-01T12:") || $0.contains("\"time\":\"2026-03-01T13:00:00.000000Z") })
        let table = try CLI.run(["events", "--target", "router", "--since", "2026-03-01T00:00:00Z", "--until", "2026-03-01T00:01:00Z"], data: dir.path)
        #expect(table.status == 0)
        #expect(table.out.split(separator: "\n").count == 1 + 6)  // header + one probe every 10 s
    }

    static let good = #"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"router","role":"gateway","method":"icmp","ok":true,"rtt_ms":0.4}"#

    @Test(arguments: [
        (#"{"time":"2026-03-01T12:00:01Z","type":"probe","target":"router","role":"gateway","method":"icmp","ok":true,"rtt_ms":0.4,"colour":1}"#, "unknown field"),
        (#"{"time":"2026-03-01 12:00:01","type":"link","interface":"eth0","up":true}"#, "time zone"),
        (#"{"time":"2026-03-01T12:00:01Z","type":"probe","target":"a b","role":"gateway","method":"icmp","ok":true,"rtt_ms":1}"#, "not a valid name"),
        (#"{"time":"2026-03-01T12:00:01Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true,"rtt_ms":1e9}"#, "out of range"),
        (#"{"time":"2026-03-01T12:00:01Z","type":"probe","target":"r","role":"gateway","method":"icmp","ok":true}"#, "required"),
        ("not json at all", "invalid JSON"),
    ] as [(String, String)])
    func oneBadLineRejectsTheWholeImport(bad: String, reason: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try CLI.run(["import", "-"], stdin: Data((Self.good + "\n").utf8), data: dir.path).status == 0)
        let before = try CLI.run(["export"], data: dir.path).stdout

        let file = dir.file("bad.ndjson")
        try Data((Array(repeating: Self.good, count: 4) + [bad] + Array(repeating: Self.good, count: 3)).joined(separator: "\n").utf8)
            .write(to: URL(fileURLWithPath: file))
        let r = try CLI.run(["import", dir.file("ok.ndjson"), file], data: dir.path)  // ok.ndjson does not exist yet
        #expect(r.status != 0)
        try Data((Self.good + "\n").utf8).write(to: URL(fileURLWithPath: dir.file("ok.ndjson")))
        let r2 = try CLI.run(["import", dir.file("ok.ndjson"), file], data: dir.path)
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("\(file):5: "), "\(r2.stderr)")
        #expect(r2.stderr.contains(reason), "\(r2.stderr)")
        #expect(r2.stderr.contains("nothing was imported"))
        #expect(try CLI.run(["export"], data: dir.path).stdout == before)
    }

    @Test func nonUTF8BytesAreABadLine() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var bytes = Array((Self.good + "\n").utf8)
        bytes += Array(#"{"time":"2026-03-01T12:00:01Z","type":"link","interface":"e"#.utf8) + [0xFF, 0xFE] + Array(#"","up":true}"#.utf8)
        let r = try CLI.run(["import", "-"], stdin: Data(bytes), data: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("stdin:2: "), "\(r.stderr)")
        #expect(r.stderr.contains("UTF-8"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/data.mdb"))  // nothing was even created
    }

    @Test func skipInvalidAppendsTheRestAndReportsEachSkippedLine() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let lines = [Self.good, "{", Self.good, #"{"time":"2026-03-01T12:00:00Z","type":"nope"}"#, "", Self.good]
        let r = try CLI.run(["import", "--skip-invalid", "-"], stdin: Data(lines.joined(separator: "\n").utf8), data: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("stdin:2: "))
        #expect(r.stderr.contains("stdin:4: unknown type"))
        #expect(r.stderr.contains("imported 3 events"))
        #expect(r.stderr.contains("skipped 2 invalid lines"))
        #expect(try CLI.run(["export"], data: dir.path).out.split(separator: "\n").count == 3)
    }

    @Test func verifyAndReadersReportADamagedDataFileWithoutCrashing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 4).prefix(200_000))
        #expect(try CLI.run(["import", "-"], stdin: ndjson(events), data: dir.path).status == 0)
        #expect(try CLI.run(["verify"], data: dir.path).status == 0)

        // Damage the log's bytes: 16 bytes after each zstd frame's magic number (only
        // chunks and segments, live or in freed pages, hold zstd frames).
        let file = dir.path + "/data.mdb"
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        var frames: [Int] = []
        data.withUnsafeBytes { b in
            for i in 0..<(b.count - 4) where b[i] == magic[0] && b[i + 1] == magic[1] && b[i + 2] == magic[2] && b[i + 3] == magic[3] {
                frames.append(i)
            }
        }
        #expect(frames.count > 10)
        for at in frames where at + 24 < data.count { for i in (at + 8)..<(at + 24) { data[i] ^= 0xA5 } }
        try data.write(to: URL(fileURLWithPath: file))

        let v = try CLI.run(["verify"], data: dir.path)
        #expect(v.status != 0)
        #expect(v.stderr.contains("damaged") || v.stderr.contains("checksum") || v.stderr.contains("chunk"), "\(v.stderr)")
        let e = try CLI.run(["export"], data: dir.path)
        #expect(e.status != 0)
        #expect(e.stderr.hasPrefix("ispmon: "), "\(e.stderr)")
        #expect(!e.stderr.contains("Fatal error"))
    }

    @Test func missingStoresAndFilesAreOneClearLine() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let r = try CLI.run(["export"], data: dir.file("none"))
        #expect(r.status == 1)
        #expect(r.stderr == "ispmon: no ispmon store at \(dir.file("none")) (create one with `ispmon import` or `ispmon run`, or pass --data DIR)\n")
        let f = try CLI.run(["import", dir.file("nope.ndjson")], data: dir.path)
        #expect(f.status != 0)
        #expect(f.stderr.contains("nope.ndjson"))
        #expect(f.stderr.contains("No such file"))
    }
}
