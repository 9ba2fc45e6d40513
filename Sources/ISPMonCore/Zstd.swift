import CZstd

/// A reusable zstd compression context (not thread-safe: one per encoder).
public final class ZstdCompressor {
    let cctx: OpaquePointer

    public init() {
        guard let c = ZSTD_createCCtx() else { fatalError("out of memory creating a zstd context") }
        cctx = c
    }

    deinit { ZSTD_freeCCtx(cctx) }

    /// Appends the compressed frame of `src` to `out`; returns its length.
    @discardableResult
    public func compress(_ src: UnsafeRawBufferPointer, level: Int32, appendingTo out: inout [UInt8]) -> Int {
        let bound = ZSTD_compressBound(src.count)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let written = out.withUnsafeMutableBytes { dst in
            ZSTD_compressCCtx(cctx, dst.baseAddress! + start, bound, src.baseAddress, src.count, level)
        }
        // Compression of an in-memory buffer into a bound-sized buffer cannot fail but for memory.
        precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        out.removeLast(bound - written)
        return written
    }
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
