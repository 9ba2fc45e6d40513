import CZstd

/// A reusable zstd compression context (not thread-safe: one per encoder).
public final class ZstdCompressor {
    let cctx: OpaquePointer

    public init() {
        guard let c = ZSTD_createCCtx() else { fatalError("out of memory creating a zstd context") }
        cctx = c
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        scratch.deallocate()
    }

    /// Appends the compressed frame of `src` to `out`; returns its length.
    @discardableResult
    public func compress(_ src: UnsafeRawBufferPointer, level: Int32, appendingTo out: inout [UInt8]) -> Int {
        let bound = ZSTD_compressBound(src.count)
        if scratch.count < bound {
            scratch.deallocate()
            scratch = .allocate(byteCount: max(bound, 2 * scratch.count), alignment: 16)
        }
        let written = ZSTD_compressCCtx(cctx, scratch.baseAddress, bound, src.baseAddress, src.count, level)
        // Compressing an in-memory buffer into a bound-sized one fails only without memory.
        precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<written]))
        return written
    }

    var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
}

/// A reusable zstd decompression context.
public final class ZstdDecompressor {
    let dctx: OpaquePointer

    public init() {
        guard let d = ZSTD_createDCtx() else { fatalError("out of memory creating a zstd context") }
        dctx = d
    }

    deinit { ZSTD_freeDCtx(dctx) }

    /// Decompresses `src` into `dst`, which must be exactly the original size.
    public func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) throws(CorruptData) {
        let n = ZSTD_decompressDCtx(dctx, dst.baseAddress, dst.count, src.baseAddress, src.count)
        if ZSTD_isError(n) != 0 { throw CorruptData("zstd: \(String(cString: ZSTD_getErrorName(n)))") }
        guard n == dst.count else { throw CorruptData("zstd: \(n) bytes where \(dst.count) were expected") }
    }
}
