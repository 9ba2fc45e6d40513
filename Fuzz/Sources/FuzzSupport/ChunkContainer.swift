public import ISPMonCore

/// A chunk taken apart into its header fields and its sections, decompressed (ChunkFormat's
/// layout: `version | crc32c | firstSeq | count | nSections | sections`). The structure-aware
/// chunk fuzzer mutates these parts and puts the chunk back together with a fresh checksum,
/// so that its inputs get past the checksum check and reach the decoder proper.
public struct ChunkContainer: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var bytes: [UInt8]
        /// Stored compressed with zstd (else raw).
        public var compressed: Bool

        public init(bytes: [UInt8], compressed: Bool) {
            self.bytes = bytes
            self.compressed = compressed
        }
    }

    public var version: UInt8
    public var firstSeq: UInt64
    public var count: UInt64
    public var sections: [Section]

    /// Parses the container without checking the checksum; nil when it is not one.
    /// Sections are limited to `maxSectionBytes` each, so that a mutated length cannot make
    /// the fuzzer itself allocate without bound.
    public init?(_ blob: UnsafeRawBufferPointer, maxSectionBytes: Int = 1 << 20) {
        var r = ByteReader(blob)
        do throws(CorruptData) {
            version = try r.byte()
            _ = try r.uint32LE()
            firstSeq = try r.varint()
            count = try r.varint()
            let n = try r.count(max: 64)
            sections = []
            let zstd = ZstdDecompressor()
            for _ in 0..<n {
                let rawLength = try r.count(max: maxSectionBytes)
                let encoding = try r.byte()
                let stored = try r.slice(try r.count(max: r.remaining))
                switch encoding {
                case 0:
                    guard stored.count == rawLength else { return nil }
                    sections.append(Section(bytes: Array(stored), compressed: false))
                case 1:
                    var raw = [UInt8](repeating: 0, count: rawLength)
                    let ok = raw.withUnsafeMutableBytes { dst in (try? zstd.decompress(stored, into: dst)) != nil }
                    guard ok else { return nil }
                    sections.append(Section(bytes: raw, compressed: true))
                default:
                    return nil
                }
            }
            guard r.isAtEnd else { return nil }
        } catch {
            return nil
        }
    }

    /// The chunk's bytes, with its checksum computed.
    public func encoded(compressor: ZstdCompressor) -> [UInt8] {
        var out: [UInt8] = [version, 0, 0, 0, 0]
        out.appendVarint(firstSeq)
        out.appendVarint(count)
        out.appendVarint(UInt64(sections.count))
        for s in sections {
            out.appendVarint(UInt64(s.bytes.count))
            if s.compressed {
                var frame: [UInt8] = []
                s.bytes.withUnsafeBytes { _ = compressor.compress($0, level: 1, appendingTo: &frame) }
                out.append(1)
                out.appendVarint(UInt64(frame.count))
                out.append(contentsOf: frame)
            } else {
                out.append(0)
                out.appendVarint(UInt64(s.bytes.count))
                out.append(contentsOf: s.bytes)
            }
        }
        ChunkContainer.fixChecksum(&out)
        return out
    }

    /// Recomputes the CRC-32C of a chunk's bytes (no-op when too short to have one).
    public static func fixChecksum(_ blob: inout [UInt8]) {
        guard blob.count >= ChunkFormat.crcCoveredOffset else { return }
        let crc = blob.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[ChunkFormat.crcCoveredOffset...])) }
        for i in 0..<4 { blob[ChunkFormat.headerCRCOffset + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
    }
}
