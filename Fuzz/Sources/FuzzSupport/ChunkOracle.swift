import ISPMonCore

/// What must hold for any bytes given to the chunk decoder: it throws ``CorruptData`` or
/// returns a chunk whose every event can be read, and which the encoder writes back into a
/// chunk that decodes to the same events (the store re-encodes decoded segments when it seals).
public final class ChunkOracle {
    let decoder = ChunkDecoder()
    let encoder = ChunkEncoder(level: 1)

    public init() {}

    public func check(_ blob: UnsafeRawBufferPointer) {
        guard let chunk = try? decoder.decode(blob) else { return }
        Fuzz.require(chunk.count >= 1 && chunk.lastSeq >= chunk.firstSeq, "a decoded chunk holds no events")
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
