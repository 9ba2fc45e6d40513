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
