import ISPMonCore

/// What must hold for any bytes given to the chunk decoder: it throws ``CorruptData`` or
/// returns a chunk whose every event can be read, and which the encoder writes back into a
/// chunk that decodes to the same events (the store re-encodes decoded segments when it seals).
public final class ChunkOracle {
    let decoder = ChunkDecoder()
    let encoder = ChunkEncoder(level: 1)

    public init() {}

    /// Above this many events only a sample is read and nothing re-encoded: a 48-byte chunk can
    /// hold ChunkFormat.maxEvents (4 Mi) identical probes, whose full check takes minutes under the
    /// address sanitizer (libFuzzer's limit for one input is 5 s) and whose array of events alone
    /// would be 370 MB (its allocation limit is 256 MB). Such a chunk is legal; what is checked of it
    /// is that its events can be read, first, last and spread between.
    static let fullCheckEvents = 65_536

    public func check(_ blob: UnsafeRawBufferPointer) {
        guard let chunk = try? decoder.decode(blob) else { return }
        Fuzz.require(chunk.count >= 1 && chunk.lastSeq >= chunk.firstSeq, "a decoded chunk holds no events")
        guard chunk.count <= ChunkOracle.fullCheckEvents else {
            for i in stride(from: 0, to: chunk.count, by: chunk.count / 1024) + [chunk.count - 1] { _ = chunk.event(at: i).exportLine }
            return
        }
        let events = chunk.events()
        Fuzz.require(events.count == chunk.count, "events() gave \(events.count) of \(chunk.count) events")
        let again = encoder.encode(ChunkBuilder(chunk), firstSeq: chunk.firstSeq)
        let back: DecodedChunk
        do { back = try again.withUnsafeBytes { try decoder.decode($0) } } catch {
            fatalError("fuzz check failed: a re-encoded chunk does not decode: \(error)")
        }
        let backEvents = back.events()
        Fuzz.require(backEvents.count == events.count, "re-encoded chunk has \(backEvents.count) events, not \(events.count)")
        for (a, b) in zip(events, backEvents) {
            Fuzz.require(a.exportLine == b.exportLine, "re-encoding changed an event")
        }
    }
}
