import FuzzSupport

// The chunk decoder on raw bytes: first as they are (the checksum check rejects nearly all),
// then with the checksum recomputed, so that damage reaches the sections behind it.

nonisolated(unsafe) let oracle = ChunkOracle()  // libFuzzer calls from one thread only

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    SeedWriter.writeIfAsked(ChunkSeeds.all)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.input(data, size)
    oracle.check(input)
    var fixed = Array(input)
    ChunkContainer.fixChecksum(&fixed)
    fixed.withUnsafeBytes { oracle.check($0) }
    return 0
}

@_cdecl("FuzzChunkBytes_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
