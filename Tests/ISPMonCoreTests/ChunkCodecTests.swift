import Testing
@testable import ISPMonCore

func roundTrip(_ events: [Event], firstSeq: UInt64 = 1, encoder: ChunkEncoder = ChunkEncoder()) throws -> [UInt8] {
    let blob = encoder.encode(events, firstSeq: firstSeq)
    let decoded = try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }
    #expect(decoded.firstSeq == firstSeq)
    #expect(decoded.count == events.count)
    #expect(decoded.events() == events)
    return blob
}

func probe(_ t: Int64, _ target: String, _ rtt: Int64?, role: Role = .internet, detail: String? = nil) -> Event {
    Event(time: Timestamp(microseconds: t), body: .probe(Probe(
        target: target, role: role, method: .icmp, outcome: rtt.map { .ok(rtt: $0) } ?? .failed(error: "timeout"), detail: detail)))
}

@Suite struct ChunkCodecTests {
    @Test func realisticStreamIsCompactAndExact() throws {
        let events = Array(SyntheticStream(seed: 7).prefix(65_536))
        let blob = try roundTrip(events)
        #expect(Double(blob.count) / Double(events.count) < 4.5)
        // The segment form (fast, unpredicted interleaving) is exact too.
        _ = try roundTrip(Array(events.prefix(1000)), encoder: ChunkEncoder(level: 1, predictOrder: false))
    }

    @Test func irregularInputsRoundTrip() throws {
        _ = try roundTrip([probe(5, "a", 1)], firstSeq: 42)
        _ = try roundTrip([Event(time: Timestamp(microseconds: 0), body: .monitor(MonitorState(state: .started)))])
        // Same times, times going backwards, extreme values, failures only.
        _ = try roundTrip([probe(10, "a", 0), probe(10, "a", 599_999_999), probe(-5, "a", nil), probe(Int64.max / 4, "a", 3),
                           probe(Int64.min / 4, "b", nil), probe(0, "b", nil)])
        // More streams than the interleaving predictor handles.
        var many: [Event] = []
        for i in 0..<300 { many.append(probe(Int64(i % 7) * 1000, "t\(i % 90)", Int64(i), detail: i % 3 == 0 ? "d\(i)" : nil)) }
        _ = try roundTrip(many)
        // Every kind of other event mixed in with probes.
        var mixed: [Event] = []
        for i in 0..<200 {
            mixed.append(probe(Int64(i) * 1_000_000 + Int64(i * 7919 % 20_000), "r\(i % 3)", i % 17 == 0 ? nil : Int64(300 + i)))
            if i % 10 == 0 { mixed.append(Event(time: Timestamp(microseconds: Int64(i) * 1_000_000 + 5), body: .link(Link(interface: "eth0", up: i % 20 == 0)))) }
            if i % 50 == 0 {
                mixed.append(Event(time: Timestamp(microseconds: Int64(i) * 1_000_000 + 6), body: .trace(Trace(destination: "d", hops: [.init(ttl: 1, address: "192.0.2.1", rtt: 10)]))))
                mixed.append(Event(time: Timestamp(microseconds: Int64(i) * 1_000_000 + 7), body: .speedtest(SpeedTest(server: "s", outcome: .ok(downMbps: 94.25, upMbps: 3), rtt: 9))))
            }
        }
        _ = try roundTrip(mixed)
    }

    @Test func buildersMergeToTheSameChunk() throws {
        let events = Array(SyntheticStream(seed: 3).prefix(5000))
        var whole = ChunkBuilder()
        whole.append(contentsOf: events[...])
        var merged = ChunkBuilder()
        for start in stride(from: 0, to: events.count, by: 777) {
            var part = ChunkBuilder()
            part.append(contentsOf: events[start..<min(events.count, start + 777)])
            merged.append(contentsOf: part)
        }
        let encoder = ChunkEncoder()
        #expect(encoder.encode(whole, firstSeq: 1) == encoder.encode(merged, firstSeq: 1))
        // And a builder rebuilt from a decoded chunk encodes the same events.
        let blob = encoder.encode(whole, firstSeq: 9)
        let decoded = try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }
        let again = encoder.encode(ChunkBuilder(decoded), firstSeq: 9)
        let redecoded = try again.withUnsafeBytes { try ChunkDecoder().decode($0) }
        #expect(redecoded.events() == events)
    }

    @Test func everyDamagedByteIsDetected() throws {
        let blob = ChunkEncoder().encode(Array(SyntheticStream(seed: 1).prefix(300)), firstSeq: 1)
        let decoder = ChunkDecoder()
        for i in 0..<blob.count {
            var damaged = blob
            damaged[i] ^= 0x5A
            #expect(throws: CorruptData.self) { try damaged.withUnsafeBytes { try decoder.decode($0) } }
        }
        for n in 0..<min(blob.count, 64) {
            #expect(throws: CorruptData.self) { try Array(blob.prefix(n)).withUnsafeBytes { try decoder.decode($0) } }
        }
    }

    @Test func damageBehindAValidChecksumNeverTraps() throws {
        // Decoding must survive anything, even bytes whose checksum was recomputed.
        var events = Array(SyntheticStream(seed: 2).prefix(400))
        events.append(Event(time: Timestamp(microseconds: 9), body: .trace(Trace(destination: "d", hops: [.init(ttl: 1, address: "a", rtt: 1)]))))
        let blob = ChunkEncoder(level: 1, predictOrder: true).encode(events, firstSeq: 1)
        let raw = ChunkEncoder(level: -1000).encode(events, firstSeq: 1)  // uncompressed sections: damage reaches the columns
        let decoder = ChunkDecoder()
        var rng = SplitMix64(seed: 99)
        for base in [blob, raw] {
            for _ in 0..<3000 {
                var damaged = base
                let i = ChunkFormat.crcCoveredOffset + Int(rng.next() % UInt64(base.count - ChunkFormat.crcCoveredOffset))
                damaged[i] = UInt8(truncatingIfNeeded: rng.next())
                let crc = damaged.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[ChunkFormat.crcCoveredOffset...])) }
                for k in 0..<4 { damaged[1 + k] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * k)) }
                if let chunk = try? damaged.withUnsafeBytes({ try decoder.decode($0) }) {
                    _ = chunk.events()  // whatever it decoded must be readable
                }
            }
        }
    }

    @Test func aNewerChunkFormatIsRefused() {
        var blob = ChunkEncoder().encode([probe(1, "a", 1)], firstSeq: 1)
        blob[0] = ChunkFormat.version + 1
        #expect { try blob.withUnsafeBytes { try ChunkDecoder().decode($0) } } throws: { error in
            (error as? CorruptData)?.reason.contains("newer") == true
        }
    }
}
