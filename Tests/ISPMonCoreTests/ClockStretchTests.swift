import Testing
@testable import ISPMonCore

/// Events recorded while the clock was unsynchronized (docs/views.md, "Event time"):
/// the views put them at their effective times once a `clock` event says the clock
/// is set, and keep them as recorded when the run ends first.
@Suite struct ClockStretchTests {
    typealias Cut = SyntheticPowerCut
    static let hour = SyntheticPowerCut.hour

    func replay(_ events: [Event]) -> Projection {
        var p = Projection()
        for (i, e) in events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        return p
    }

    /// The log as if every event had been stamped with `times` and no stretch had been
    /// recorded (the starts carry no clock word): what the views must equal.
    func reference(_ events: [Event], times: [Int64]) -> Projection {
        replay(zip(events, times).map { e, t in
            var body = e.body
            if case .monitor(var m) = body {
                m.clock = nil
                body = .monitor(m)
            }
            return Event(time: Timestamp(microseconds: t), body: body)
        })
    }

    /// `a` equals `b` in every view; `a` may still have a stretch open when `openStretch` (the reference has none).
    func expectSame(_ a: Projection, _ b: Projection, openStretch: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.differences(from: b).filter { !openStretch || !$0.contains("the clock stretch") } == [], sourceLocation: sourceLocation)
        #expect(a.outages() == b.outages(), sourceLocation: sourceLocation)
        #expect(a.hours == b.hours, sourceLocation: sourceLocation)
        #expect(a.targets == b.targets, sourceLocation: sourceLocation)
        #expect(a.layers == b.layers, sourceLocation: sourceLocation)
        #expect(a.speedTests == b.speedTests, sourceLocation: sourceLocation)
        #expect(a.newestTime == b.newestTime, sourceLocation: sourceLocation)
        #expect(a.lastSeq == b.lastSeq, sourceLocation: sourceLocation)
    }

    func hourStarts(_ p: Projection, _ target: String) -> [Int64] { (p.hours[target] ?? [:]).keys.sorted() }

    @Test func aPowerCutsOutageLandsAtTheCorrectedTime() throws {
        let cut = Cut()
        let p = replay(cut.events)
        let outages = p.outages()
        #expect(outages.count == 1)
        let o = try #require(outages.first)
        #expect(o.start == cut.outageStart)
        #expect(o.end == cut.outageEnd)
        #expect(o.duration == 299_999_000)
        #expect(o.id == "c-20260301T120110.003000Z")
        #expect(o.cause == .isp)
        #expect(o.culprits == ["isp-edge"])
        // The latency of the outage's minutes is in the 12:00 hour, not at 10:00 where the clock was.
        #expect(hourStarts(p, "one") == [Cut.runStart, Cut.runStart + Cut.hour])
        let twelve = try #require(p.hours["one"]?[Cut.runStart + Cut.hour])
        #expect(twelve.lost == 30)
        #expect(p.speedTests.map(\.time) == [Cut.runStart + 63 * Cut.minute + 5000])
        expectSame(p, reference(cut.events, times: cut.realTimes))
        #expect(p.openClockStretch == nil)
    }

    @Test func duringTheStretchTheViewsAnswerAtTheRecordedTimes() throws {
        let cut = Cut()
        let closing = try #require(cut.events.firstIndex { if case .clock = $0.body { true } else { false } })
        let before = replay(Array(cut.events[..<closing]))
        // Open from its `monitor started`, after the run before: a start and 360 rounds of 4 probes.
        #expect(before.openClockStretch == UInt64(1 + 360 * 4 + 1))
        #expect(before.outages().map(\.start) == [cut.outageStart - 2 * Cut.hour])
        #expect(before.outages().first?.end == cut.outageEnd - 2 * Cut.hour)
        #expect(hourStarts(before, "one").contains(Cut.runStart - Cut.hour))
        expectSame(before, reference(Array(cut.events[..<closing]), times: cut.events[..<closing].map(\.time.microseconds)), openStretch: true)
    }

    @Test func aClockAheadIsSteppedBack() throws {
        let cut = Cut(behind: -Cut.hour, ending: .steps([-Cut.hour]))
        let p = replay(cut.events)
        #expect(p.outages().map(\.start) == [cut.outageStart])
        #expect(p.outages().first?.cause == .isp)
        expectSame(p, reference(cut.events, times: cut.realTimes))
    }

    @Test(arguments: [[7_100_000_000, 100_000_000], [7_200_000_000, 0], [3_600_000_000, -1_000_000_000, 4_600_000_000]] as [[Int64]])
    func severalStepsAddUp(steps: [Int64]) throws {
        let cut = Cut(ending: .steps(steps))
        let p = replay(cut.events)
        #expect(p.outages().map(\.start) == [cut.outageStart])
        #expect(p.outages().first?.end == cut.outageEnd)
        // Each event gets the steps after it: `realTimes` are exactly that.
        expectSame(p, reference(cut.events, times: cut.realTimes))
    }

    @Test(arguments: [Cut.Ending.stopped, .restarted])
    func aRunThatEndsUnsynchronizedKeepsItsRecordedTimes(ending: Cut.Ending) {
        let cut = Cut(ending: ending)
        let p = replay(cut.events)
        #expect(p.outages().map(\.start) == [cut.outageStart - 2 * Cut.hour])
        #expect(hourStarts(p, "one").first == Cut.runStart - Cut.hour)
        expectSame(p, reference(cut.events, times: cut.events.map(\.time.microseconds)), openStretch: true)
        // A restart with the clock unsynchronized opens a stretch of its own.
        let lastStart = cut.events.lastIndex { $0.type == .monitor }.map { UInt64($0 + 1) }
        if case .restarted = ending { #expect(p.openClockStretch == lastStart) } else { #expect(p.openClockStretch == nil) }
    }

    @Test func aSynchronizedStartChangesNothing() {
        let cut = Cut()
        let synchronized = cut.events.map { e -> Event in
            guard case .monitor(var m) = e.body, m.clock == .unsynchronized else { return e }
            m.clock = .synchronized
            return Event(time: e.time, body: .monitor(m))
        }
        let p = replay(synchronized)
        #expect(p.outages().map(\.start) == [cut.outageStart - 2 * Cut.hour])
        expectSame(p, reference(cut.events, times: cut.events.map(\.time.microseconds)))
    }

    @Test func aStretchOverTheLimitKeepsItsRecordedTimes() {
        // Ten seconds a round, four events each: 25 000 rounds are over 100 000 events.
        let cut = Cut(endsAfter: 25_000 * 10_000_000, upRounds: 25_010)
        let p = replay(cut.events)
        #expect(p.outages().map(\.start) == [cut.outageStart - 2 * Cut.hour])
        #expect(p.openClockStretch == nil)
        expectSame(p, reference(cut.events, times: cut.events.map(\.time.microseconds)))
    }

    @Test func theLimitIsExactlyOneHundredThousandEvents() {
        let t0 = Cut.runStart
        func log(probes: Int) -> [Event] {
            var events = [Event(time: Timestamp(microseconds: t0), body: .monitor(MonitorState(state: .started, clock: .unsynchronized)))]
            for i in 0..<probes {
                events.append(Event(time: Timestamp(microseconds: t0 + Int64(i) * 1000), body: .probe(Probe(
                    target: "one", role: .internet, method: .icmp, outcome: .ok(rtt: 1000)))))
            }
            events.append(Event(time: Timestamp(microseconds: t0 + 5 * Cut.hour), body: .clock(ClockStep(step: 3 * Cut.hour, synchronized: true))))
            return events
        }
        // 100 000 events, the start and the clock event included: retimed (the probes move 3 h on).
        let full = replay(log(probes: Projection.clockStretchLimit - 2))
        #expect(hourStarts(full, "one") == [t0 + 3 * Cut.hour])
        // One more: abandoned, the probes stay where they were recorded.
        let over = replay(log(probes: Projection.clockStretchLimit - 1))
        #expect(hourStarts(over, "one") == [t0])
    }

    /// Whole decoded chunks and committed batches, cut anywhere through the stretch,
    /// give the views of applying the events one by one; an `--as-of` limit too.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyPathRetimesTheSame(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let cuts = [Cut(), Cut(ending: .steps([7_100_000_000, 100_000_000])), Cut(ending: .stopped), Cut(behind: -Cut.hour, ending: .steps([-Cut.hour]))]
        var events: [Event] = []
        for cut in cuts { events += cut.events }
        let oneByOne = replay(events)
        let limit = Cut.runStart + 65 * Cut.minute
        var limited = Projection()
        for (i, e) in events.enumerated() where e.time.microseconds <= limit { limited.apply(e, seq: UInt64(i + 1)) }

        var columnar = Projection(), columnarLimited = Projection(), batched = Projection(), batchedWithHours = Projection()
        let encoder = ChunkEncoder(), decoder = ChunkDecoder()
        var start = 0
        while start < events.count {
            let n = min(events.count - start, rng.next() % 3 == 0 ? Int(rng.next() % 5) + 1 : Int(rng.next() % 900) + 1)
            let slice = events[start..<(start + n)]
            let blob = encoder.encode(slice, firstSeq: UInt64(start + 1))
            let chunk = try blob.withUnsafeBytes { try decoder.decode($0) }
            columnar.apply(chunk)
            columnarLimited.apply(chunk, limit: limit)
            var builder = ChunkBuilder()
            builder.append(contentsOf: slice)
            try batched.apply(builder, firstSeq: UInt64(start + 1))
            try batchedWithHours.apply(builder, firstSeq: UInt64(start + 1), hours: HourPieces(builder))
            start += n
        }
        #expect(oneByOne.outages().count == 4)
        expectSame(columnar, oneByOne)
        expectSame(batched, oneByOne)
        expectSame(batchedWithHours, oneByOne)
        expectSame(columnarLimited, limited)
    }
}
