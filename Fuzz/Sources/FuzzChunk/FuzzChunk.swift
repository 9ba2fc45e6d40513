import CLibFuzzer
import FuzzSupport
import ISPMonCore

// The chunk decoder, structure-aware: the custom mutator takes a chunk apart (header fields,
// decompressed sections: the meta section with the string table and series, the byte planes,
// the rows), changes one part, and puts it back together with a valid CRC-32C, so that
// nearly every input reaches the decoder behind the checksum check.

nonisolated(unsafe) let oracle = ChunkOracle()  // libFuzzer calls from one thread only
nonisolated(unsafe) let compressor = ZstdCompressor()  // the same

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    SeedWriter.writeIfAsked(ChunkSeeds.all)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    oracle.check(Fuzz.input(data, size))
    return 0
}

@_cdecl("LLVMFuzzerCustomMutator")
public func mutate(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt) -> Int {
    guard let data, maxSize > 0 else { return 0 }
    var rng = Xorshift(seed: UInt64(seed))
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let mutated: [UInt8]? = ChunkContainer(input).flatMap { chunk in
        var c = chunk
        ChunkMutator.mutate(&c, &rng, maxSize: maxSize)
        return c.encoded(compressor: compressor)
    }
    guard let mutated, mutated.count <= maxSize else {
        // Not a chunk (or grown too big): libFuzzer's own mutation, checksum recomputed.
        let n = LLVMFuzzerMutate(data, size, maxSize)
        var bytes = Array(UnsafeRawBufferPointer(start: data, count: n))
        ChunkContainer.fixChecksum(&bytes)
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: data, count: n).copyMemory(from: $0) }
        return n
    }
    mutated.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: data, count: mutated.count).copyMemory(from: $0) }
    return mutated.count
}

@_cdecl("FuzzChunk_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
