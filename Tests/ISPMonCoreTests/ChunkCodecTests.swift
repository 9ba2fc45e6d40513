import Testing
import ISPMonCore

@Suite struct ChunkCodecTests {
    @Test func roundTripsARealisticStream() throws {
        let events = Array(SyntheticStream(seed: 7).prefix(65_536))
        let encoder = ChunkEncoder()
        let blob = encoder.encode(events, firstSeq: 1)
        let decoded = try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }
        #expect(decoded.count == events.count)
        #expect(decoded.firstSeq == 1)
        #expect(decoded.events() == events)
        print("bytes/event in one 64Ki chunk: \(Double(blob.count) / Double(events.count))")
    }
}
