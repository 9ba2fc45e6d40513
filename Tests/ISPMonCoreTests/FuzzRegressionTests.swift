import Foundation
import Testing
import ISPMonCore

/// Inputs the fuzzers (Fuzz/) found, or that are known to have trapped: each must now be
/// rejected with the parser's own error, never a trap.
@Suite struct FuzzRegressionTests {
    // MARK: Chunks

    /// A chunk whose string table is empty while a series names its target by an index into
    /// it, checksum valid: the decoder computed `stringCount - 1` as a bound and trapped.
    @Test func chunkWithAnEmptyStringTableThrows() throws {
        let blob = ChunkEncoder().encode([probe(5, "a", 1)], firstSeq: 1)
        var chunk = try ChunkSurgery(blob)
        // The meta section starts with the string table: count 1, then "a" (length 1).
        #expect(Array(chunk.sections[0].prefix(3)) == [1, 1, 0x61])
        chunk.sections[0].replaceSubrange(0..<3, with: [0])
        let damaged = chunk.encoded()
        #expect { try damaged.withUnsafeBytes { try ChunkDecoder().decode($0) } } throws: { error in
            (error as? CorruptData)?.reason == "1 series but no strings for their targets"
        }
    }

    /// FuzzChunkBytes: a section claiming 512 MB of zstd content in a 74-byte chunk (checksum
    /// recomputed, as the target does): the decoder allocated the claimed size before zstd failed,
    /// which libFuzzer reports as out of memory (and a small machine would kill the reader for).
    @Test func aZstdSectionsClaimedLengthIsCheckedBeforeAllocating() throws {
        var found = try ChunkSurgery.withChecksum(Array(#require(Data(base64Encoded: "AQAKUlgBAQIcABwBBnJvL3V0ZXL5/wMAKwGAiXoAAP////+FjK+K/////wEBAhwAHAEGcm8vdXRlcvn/AwArAYCJegAA////9/8="))))
        #expect { try found.withUnsafeBytes { try ChunkDecoder().decode($0) } } throws: { error in
            (error as? CorruptData)?.reason.hasPrefix("zstd section") == true
        }
        // A real chunk whose compressed meta section claims 1000 bytes more: the frame says otherwise.
        let blob = ChunkEncoder().encode(Array(SyntheticStream(seed: 5).prefix(200)), firstSeq: 1)
        let (start, end, rawLength, encoding) = try blob.withUnsafeBytes { b in
            var r = ByteReader(b)
            _ = try r.byte(); _ = try r.uint32LE(); _ = try r.varint(); _ = try r.varint(); _ = try r.varint()
            let start = r.offset
            let rawLength = try r.varint()
            let end = r.offset
            return (start, end, rawLength, try r.byte())
        }
        #expect(encoding == 1)
        var longer: [UInt8] = []
        longer.appendVarint(rawLength + 1000)
        found = blob
        found.replaceSubrange(start..<end, with: longer)
        found = ChunkSurgery.withChecksum(found)
        #expect { try found.withUnsafeBytes { try ChunkDecoder().decode($0) } } throws: { error in
            (error as? CorruptData)?.reason == "zstd frame of \(rawLength) bytes in a section of \(rawLength + 1000)"
        }
        found = ChunkSurgery.withChecksum(blob)
        #expect(try found.withUnsafeBytes { try ChunkDecoder().decode($0) }.count == 200)
    }

    /// FuzzChunk: a chunk starting at a sequence number so large that its last one does not
    /// exist (checksum valid): reading `lastSeq` overflowed and trapped.
    @Test func chunkWhoseLastSequenceNumberOverflowsThrows() throws {
        let found = try #require(Data(base64Encoded: "AbeBDuv///////////8BAQIcABwBBkZsb2F0cgEAAwABgIl6AAC4BgAAAAAAAAAAAAAA"))
        for blob in [Array(found), try ChunkSurgery(ChunkEncoder().encode([probe(5, "a", 1), probe(6, "a", 2)], firstSeq: 1)).with(firstSeq: UInt64.max - 1)] {
            #expect { try blob.withUnsafeBytes { try ChunkHeader.read($0) } } throws: { error in
                (error as? CorruptData)?.reason.hasSuffix("are out of range") == true
            }
            #expect(throws: CorruptData.self) { try blob.withUnsafeBytes { try ChunkDecoder().decode($0) } }
        }
        let last = try ChunkSurgery(ChunkEncoder().encode([probe(5, "a", 1)], firstSeq: 1)).with(firstSeq: UInt64(Int64.max) - 1)
        #expect(try last.withUnsafeBytes { try ChunkDecoder().decode($0) }.lastSeq == UInt64(Int64.max) - 1)
    }
}

extension FuzzRegressionTests {
    // MARK: NDJSON lines

    func parse(_ line: String) throws -> Event {
        try Array(line.utf8).withUnsafeBytes { try EventJSON.parse(line: $0) }
    }

    /// FuzzEventJSON: a time whose offset moves it past the end of year 9999 in UTC was accepted,
    /// and exported as year 0000 (the export form has four-digit years), which import rejects.
    @Test func aTimeOutsideTheExportableYearsIsABadLine() throws {
        let found = try #require(Data(base64Encoded: "eyJ0aW1lIjoiOTk5OS0xMi0zMVQyMzo1OTo1OS45LTIzOjU5IiwidHlwZSI6InByb2JlIiwidGFyZ2V0IjoiYSIsInJvbGUiOiJkZXZpY2UiLCJtZXRob2QiOiJodHRwIiwib2siOnRydWUsInJ0dF9tcyI6NTk5OTk5Ljk5OX0="))
        let line = String(decoding: found, as: UTF8.self)
        #expect(line.hasPrefix(#"{"time":"9999-12-31T23:59:59.9-23:59","#))
        #expect { try parse(line) } throws: { error in
            (error as? EventJSON.InvalidLine)?.reason == #"field "time": "9999-12-31T23:59:59.9-23:59" is outside the years 0001 to 9999 in UTC"#
        }
        #expect(throws: EventJSON.InvalidLine.self) { try parse(#"{"time":"0001-01-01T00:30:00+01:00","type":"link","interface":"e","up":true}"#) }
        // The first and last microseconds of the range are fine, and export as they came.
        for time in ["0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z"] {
            let event = try parse(#"{"time":"\#(time)","type":"link","interface":"e","up":true}"#)
            #expect(String(decoding: event.time.rfc3339Bytes(), as: UTF8.self) == time)
        }
    }

    /// An RTT just under 600000 ms that rounds to 600000 ms at the microsecond was accepted, and
    /// its export (`600000`) is out of range on import.
    @Test func anRTTThatRoundsOutOfRangeIsABadLine() throws {
        for rtt in ["599999.9995", "599999.99999999"] {
            #expect { try parse(#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"a","role":"device","method":"icmp","ok":true,"rtt_ms":\#(rtt)}"#) } throws: { error in
                (error as? EventJSON.InvalidLine)?.reason == #"field "rtt_ms": \#(rtt) is out of range (0 <= ms < 600000)"#
            }
        }
        let ok = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"probe","target":"a","role":"device","method":"icmp","ok":true,"rtt_ms":599999.9994}"#)
        #expect(ok.body == .probe(Probe(target: "a", role: .device, method: .icmp, outcome: .ok(rtt: 599_999_999))))
    }

    // MARK: Encoding what was decoded

    /// FuzzChunk: a chunk (checksum valid) whose times span more than an Int64 holds decodes, but
    /// writing it again (as sealing does with decoded segments) trapped: the grid's interval, a
    /// gap computed with wrapping arithmetic, came out negative.
    @Test func timesSpanningMoreThanAnInt64Encode() throws {
        let found = try #require(Data(base64Encoded: "Ab4nFYSBgIACPAmwAgGhAii1L/1gMAC9CADkDwwIaXNwLWVkZ2UGcm91dGVyCmVkZ2UtaHR0cHMHb25lLW9uZQZzd2l0Y0EIcmVzb2x2ZXIJcXVhZC1uaW5lCggtMgN3ZWIbZXhhbXBsZS5jb20gQSA5My4xODQuMjE1LjE0AzIwMAd0aW1lb3V0CQACAA3Kj5zs5PqlBo6HPeM9qkQBAQAN6tfkBqvs+pylgz2jtQG6BgIDAQOM6oGHsQLlugGC/gEDAwANgIAEgAGp7QH4swEEAAADsrGdPQH0AwUEAgOYwfuisQLRHZy9AQYDAAf44MrvebuVApbSAQcEAgL045jL4QQA/wEIAwMB3O4AAJi5BwIBAQACAQIBCAA2xwdGjXPUmdNBdRUcCZ1SI75lEwo8AUUotS/9IDzhAQAJCQABAgMEBQYHCAMAAQYDAQABAAMABgMBAgEDAAUEAQADBgMBAAMGAQAAAQMGAAcCBAEDBQMAAQYDAQA6AUMotS/9IDrRAQBywe/xeRRH59IAk1V3Uh0fy7wAtUvCQ7oVVLMAs1UACg5hEq38LB7ZAFIBmgBpAGheAJhu1MxbAAAAOgA6DzZvPiMkARYkAAYGDy1GOiVaAAENLydEPy0uAC47ACdlVUBRGB1QdSs7AB0ABwAHRQBPXShMRQAAADoAOgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAAAAAAAAAAAAAAAAAAAAAAAA5ADk98zrKp+A6Cw4JQwDNALAVLAynYJwsx8odOVcAHIBtGAzYFRQ5vdENHTlXADgAaC0fGwB9OkEAKQA5ADkAABQAAwECAwABAAACAAAAAAAAAAAAAAAAAAYAAgMGBgIHAwQCAwsMAAAAAAIAARItAwAJCw8ABwA6ADoAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEKCgoAAAAAAAAACgoLGgAaBICAm+zk+qUGAAEFMC4xLjAC0A8EZXRoMAE="))
        let chunk = try Array(found).withUnsafeBytes { try ChunkDecoder().decode($0) }
        let again = ChunkEncoder().encode(ChunkBuilder(chunk), firstSeq: chunk.firstSeq)
        let back = try again.withUnsafeBytes { try ChunkDecoder().decode($0) }
        #expect(back.events().map(\.time) == chunk.events().map(\.time))
        // The same in two events.
        let events = [probe(Int64.min + 1, "a", 1), probe(Int64.max - 1, "a", 2), probe(Int64.max, "a", 3)]
        let blob = ChunkEncoder().encode(events, firstSeq: 1)
        #expect(try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }.events() == events)
    }

    // MARK: Encoding what import accepted

    /// Valid times that jump back and forth across the whole range (year 1 to 9999) while most
    /// steps are 1 µs: fitting the series' grid added up more steps than an Int64 holds, and the
    /// encoder trapped, so `ispmon import` of such a file crashed.
    @Test func farJumpingTimesEncode() throws {
        let low = EventJSON.minTime.microseconds, high = EventJSON.maxTime.microseconds - 10
        var events: [Event] = []
        for g in 0..<40 {
            for k in 0..<5 { events.append(probe(low + Int64(g * 10 + k), "a", 1)) }
            events.append(probe(high + Int64(g % 10), "a", 1))
        }
        let blob = ChunkEncoder().encode(events, firstSeq: 1)
        #expect(try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }.events() == events)
    }
}

/// Takes a chunk apart into its sections (decompressed) and puts it back together with raw
/// sections and a fresh checksum, so that a test can damage what lies behind the checksum.
struct ChunkSurgery {
    var version: UInt8
    var firstSeq: UInt64
    var count: UInt64
    var sections: [[UInt8]]

    init(_ blob: [UInt8]) throws {
        (version, firstSeq, count, sections) = try blob.withUnsafeBytes { b in
            var r = ByteReader(b)
            let version = try r.byte()
            _ = try r.uint32LE()
            let firstSeq = try r.varint()
            let count = try r.varint()
            let n = try r.count(max: 1000)
            var sections: [[UInt8]] = []
            let zstd = ZstdDecompressor()
            for _ in 0..<n {
                let rawLength = try r.count(max: 1 << 24)
                let encoding = try r.byte()
                let stored = try r.slice(try r.count(max: r.remaining))
                if encoding == 0 {
                    sections.append(Array(stored))
                } else {
                    var raw = [UInt8](repeating: 0, count: rawLength)
                    try raw.withUnsafeMutableBytes { try zstd.decompress(UnsafeRawBufferPointer(stored), into: $0) }
                    sections.append(raw)
                }
            }
            return (version, firstSeq, count, sections)
        }
    }

    /// `blob` with its checksum recomputed.
    static func withChecksum(_ blob: [UInt8]) -> [UInt8] {
        var out = blob
        guard out.count >= 5 else { return out }
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[5...])) }
        for i in 0..<4 { out[1 + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
        return out
    }

    /// The chunk again, starting at another sequence number.
    func with(firstSeq: UInt64) -> [UInt8] {
        var c = self
        c.firstSeq = firstSeq
        return c.encoded()
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = [version, 0, 0, 0, 0]
        out.appendVarint(firstSeq)
        out.appendVarint(count)
        out.appendVarint(UInt64(sections.count))
        for s in sections {
            out.appendVarint(UInt64(s.count))
            out.append(0)
            out.appendVarint(UInt64(s.count))
            out.append(contentsOf: s)
        }
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[5...])) }
        for i in 0..<4 { out[1 + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
        return out
    }
}
