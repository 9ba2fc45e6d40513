import CLibFuzzer
import FuzzSupport
import ISPMonCore

/// One structure-aware change to a chunk taken apart: to a section's bytes (libFuzzer's
/// mutator on that section alone), to one varint of the meta section (counts, string indexes,
/// column widths: set to a boundary value), to the header's count or first sequence number,
/// or to the list of sections itself.
enum ChunkMutator {
    static func mutate(_ c: inout ChunkContainer, _ rng: inout Xorshift, maxSize: Int) {
        switch rng.below(10) {
        case 0, 1, 2:
            guard !c.sections.isEmpty else { return }
            let i = rng.below(c.sections.count)
            c.sections[i].bytes = libFuzzerMutate(c.sections[i].bytes, maxSize: maxSize)
        case 3, 4, 5:
            guard !c.sections.isEmpty else { return }
            // Mostly the meta section: it holds every count and index the decoder trusts.
            let i = rng.below(4) == 0 ? rng.below(c.sections.count) : 0
            replaceVarint(in: &c.sections[i].bytes, &rng, count: c.count)
        case 6:
            c.count = boundary(c.count, &rng, count: c.count)
        case 7:
            c.firstSeq = boundary(c.firstSeq, &rng, count: c.count)
        case 8:
            guard !c.sections.isEmpty else { return }
            let i = rng.below(c.sections.count)
            switch rng.below(4) {
            case 0: c.sections.remove(at: i)
            case 1: c.sections.insert(c.sections[i], at: rng.below(c.sections.count + 1))
            case 2: c.sections.swapAt(i, rng.below(c.sections.count))
            default: c.sections[i].compressed.toggle()
            }
        default:
            // A plane one byte longer or shorter than its column, or a byte of it changed.
            guard !c.sections.isEmpty else { return }
            let i = rng.below(c.sections.count)
            switch rng.below(3) {
            case 0: if !c.sections[i].bytes.isEmpty { c.sections[i].bytes.removeLast() }
            case 1: c.sections[i].bytes.append(UInt8(truncatingIfNeeded: rng.next()))
            default:
                if !c.sections[i].bytes.isEmpty {
                    c.sections[i].bytes[rng.below(c.sections[i].bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
        }
    }

    static func libFuzzerMutate(_ bytes: [UInt8], maxSize: Int) -> [UInt8] {
        var buffer = bytes
        let capacity = max(bytes.count * 2, 64)
        guard capacity <= maxSize else { return bytes }
        buffer.append(contentsOf: repeatElement(0, count: capacity - bytes.count))
        let n = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return 0 }
            return LLVMFuzzerMutate(base, bytes.count, capacity)
        }
        return Array(buffer.prefix(n))
    }

    /// Replaces the varint starting at a random varint boundary with a boundary value.
    static func replaceVarint(in bytes: inout [UInt8], _ rng: inout Xorshift, count: UInt64) {
        var starts: [Int] = []
        for i in bytes.indices where i == 0 || bytes[i - 1] < 0x80 { starts.append(i) }
        guard !starts.isEmpty else {
            bytes.appendVarint(boundary(0, &rng, count: count))
            return
        }
        let start = starts[rng.below(starts.count)]
        var end = start
        var old: UInt64 = 0
        var shift: UInt64 = 0
        while end < bytes.count {
            if shift < 64 { old |= UInt64(bytes[end] & 0x7F) << shift }
            shift += 7
            end += 1
            if bytes[end - 1] < 0x80 { break }
        }
        var encoded: [UInt8] = []
        encoded.appendVarint(boundary(old, &rng, count: count))
        bytes.replaceSubrange(start..<end, with: encoded)
    }

    /// A value next to `old`, or one of the limits a decoder compares against.
    static func boundary(_ old: UInt64, _ rng: inout Xorshift, count: UInt64) -> UInt64 {
        let choices: [UInt64] = [0, 1, 2, old &- 1, old &+ 1, count &- 1, count, count &+ 1, 7, 8, 9, 63, 64, 65, 127, 128,
                                 255, 256, 65_535, 65_536, 1 << 22, (1 << 22) + 1, 1 << 30, 1 << 31, 1 << 32,
                                 UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max]
        return choices[rng.below(choices.count)]
    }
}

/// A small, fast generator seeded by libFuzzer (its runs are reproducible from the seed).
struct Xorshift {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}
