import Testing
@testable import ISPMonCore

/// The `clock` event and the `monitor` event's `clock` word: NDJSON both ways,
/// the store's row encoding, and rows written before the word existed.
@Suite struct ClockEventTests {
    let t = Timestamp(microseconds: 1_772_366_400_000_000)  // 2026-03-01T12:00:00Z

    @Test func clockEventsAndTheMonitorsClockWordRoundTripAsJSON() throws {
        let step = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":7200000000,"synchronized":true}"#)
        #expect(step == Event(time: t, body: .clock(ClockStep(step: 7_200_000_000, synchronized: true))))
        let back = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"clock","synchronized":false,"step_us":-1500000}"#)
        #expect(back.body == .clock(ClockStep(step: -1_500_000, synchronized: false)))
        let started = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","version":"0.3.0","clock":"unsynchronized"}"#)
        #expect(started.body == .monitor(MonitorState(state: .started, version: "0.3.0", clock: .unsynchronized)))
        // A null optional field is the same as none.
        #expect(try parse(#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","clock":null}"#).body
            == .monitor(MonitorState(state: .started)))

        #expect(exported(step) == #"{"seq":1,"time":"2026-03-01T12:00:00.000000Z","type":"clock","step_us":7200000000,"synchronized":true}"# + "\n")
        #expect(exported(started, seq: nil)
            == #"{"time":"2026-03-01T12:00:00.000000Z","type":"monitor","state":"started","version":"0.3.0","clock":"unsynchronized"}"# + "\n")
        for e in [step, back, started, Event(time: t, body: .clock(ClockStep(step: 0, synchronized: true))),
                  Event(time: t, body: .clock(ClockStep(step: -EventJSON.maxClockStep, synchronized: true)))] {
            #expect(try parse(String(exported(e).dropLast())) == e)
        }
    }

    @Test(arguments: [
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","synchronized":true}"#, #"missing required field "step_us""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":5}"#, #"missing required field "synchronized""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":1.5,"synchronized":true}"#, "must be an integer number of microseconds, found 1.5"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":"5","synchronized":true}"#, "must be an integer number of microseconds, found a string"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":1e6,"synchronized":true}"#, "must be an integer"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":null,"synchronized":true}"#, "must be an integer"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":99999999999999999999,"synchronized":true}"#, "must be an integer"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":400000000000000000,"synchronized":true}"#, "larger than the span"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":5,"synchronized":"yes"}"#, "true or false"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"clock","step_us":5,"synchronized":true,"reason":"ntp"}"#, #"unknown field "reason" for type clock"#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","clock":"ntp"}"#, "not synchronized or unsynchronized"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"started","clock":true}"#, "must be a string"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"monitor","state":"stopped","clock":"synchronized"}"#, "only allowed when state is started"),
    ] as [(String, String)])
    func badClockLinesAreRefused(line: String, expected: String) {
        let r = reason(line)
        #expect(r != nil, "accepted: \(line)")
        #expect(r?.contains(expected) == true, "reason \(r ?? "nil") lacks \(expected)")
    }

    @Test func clockEventsAndWordsRoundTripThroughTheStoresRows() throws {
        var events: [Event] = []
        for (i, word) in [nil, MonitorState.ClockSync.synchronized, .unsynchronized].enumerated() {
            events.append(Event(time: Timestamp(microseconds: Int64(i)), body: .monitor(MonitorState(state: .started, version: "v", clock: word))))
            events.append(probe(Int64(i) * 10 + 1, "a", 5))
        }
        events.append(Event(time: Timestamp(microseconds: 100), body: .monitor(MonitorState(state: .stopped))))
        events.append(Event(time: Timestamp(microseconds: 7_200_000_200), body: .clock(ClockStep(step: 7_200_000_000, synchronized: true))))
        events.append(Event(time: Timestamp(microseconds: 5), body: .clock(ClockStep(step: -7_200_000_000, synchronized: false))))
        events.append(Event(time: Timestamp(microseconds: 6), body: .clock(ClockStep(step: 0, synchronized: true))))
        _ = try roundTrip(events)
    }

    @Test func monitorRowsFromBeforeTheClockWordReadAsNoWord() throws {
        // A row as older ispmons wrote it: type monitor (4), time delta 0, state started (0), no version.
        for (stateByte, state) in [(UInt8(0), MonitorState.State.started), (1, .stopped)] {
            let row: [UInt8] = [4, 0, stateByte, 0]
            let e = try row.withUnsafeBytes { b in
                var r = ByteReader(b)
                return try RowCodec.read(&r, previousTime: 42)
            }
            #expect(e == Event(time: Timestamp(microseconds: 42), body: .monitor(MonitorState(state: state))))
        }
        // Bits beyond the clock word are damage, not a word.
        for bad: UInt8 in [6, 7, 8, 0x80] {
            let row: [UInt8] = [4, 0, bad, 0]
            #expect(throws: CorruptData.self) {
                try row.withUnsafeBytes { b in
                    var r = ByteReader(b)
                    _ = try RowCodec.read(&r, previousTime: 0)
                }
            }
        }
        // A clock row's flag must be 0 or 1.
        let clockRow: [UInt8] = [7, 0, 2, 2]
        #expect(throws: CorruptData.self) {
            try clockRow.withUnsafeBytes { b in
                var r = ByteReader(b)
                _ = try RowCodec.read(&r, previousTime: 0)
            }
        }
    }
}
