import ISPMonCore

extension ChunkEncoder {
    /// An encoder for tail segments: the chunk of one commit, replaced by a sealed chunk once the
    /// tail has grown. Its zstd level is the store's fast one; its interleaving is predicted, as
    /// in a sealed chunk. Stored as plain stream numbers, a segment of 1000 probe results came
    /// to ~4,250 bytes, just past the 4,080 an LMDB overflow page holds, so every commit wrote
    /// two overflow pages; predicted, ~3,860 bytes and one page, for ~8 µs more encoding
    /// (README, *Durable ingest*).
    static func segments(level: Int32) -> ChunkEncoder { ChunkEncoder(level: level, predictOrder: true) }
}
