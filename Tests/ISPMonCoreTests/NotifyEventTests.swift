import Testing
@testable import ISPMonCore

/// The `notify` event (events.md): NDJSON both ways, its bad inputs, and the store's row encoding.
@Suite struct NotifyEventTests {
    let t = Timestamp(microseconds: 1_772_366_400_000_000)  // 2026-03-01T12:00:00Z

    @Test func notifyEventsRoundTripAsJSON() throws {
        let failed = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"c-20260301T120005Z/outage","channel":"phone","ok":false,"attempt":2,"error":"timeout","detail":"no answer in 10 s"}"#)
        #expect(failed == Event(time: t, body: .notify(NotifyAttempt(key: "c-20260301T120005Z/outage", channel: "phone", attempt: 2,
                                                                       error: "timeout", detail: "no answer in 10 s"))))
        let ok = try parse(#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"speedtest/4711","channel":"hook.lan","ok":true,"attempt":1,"detail":null}"#)
        #expect(ok.body == .notify(NotifyAttempt(key: "speedtest/4711", channel: "hook.lan", attempt: 1, error: nil)))
        #expect(exported(ok) == #"{"seq":1,"time":"2026-03-01T12:00:00.000000Z","type":"notify","key":"speedtest/4711","channel":"hook.lan","ok":true,"attempt":1}"# + "\n")
        #expect(exported(failed, seq: nil) == #"{"time":"2026-03-01T12:00:00.000000Z","type":"notify","key":"c-20260301T120005Z/outage","channel":"phone","ok":false,"attempt":2,"error":"timeout","detail":"no answer in 10 s"}"# + "\n")
        let longest = String(repeating: "k", count: 124) + ":/._"
        for e in [ok, failed, Event(time: t, body: .notify(NotifyAttempt(key: longest, channel: "x", attempt: EventJSON.maxNotifyAttempt, error: "expired")))] {
            #expect(try parse(String(exported(e).dropLast())) == e)
        }
    }

    @Test(arguments: [
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","channel":"c","ok":true,"attempt":1}"#, #"missing required field "key""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"a b","channel":"c","ok":true,"attempt":1}"#, "is not a notification key"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"","channel":"c","ok":true,"attempt":1}"#, "is not a notification key"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"a?b","channel":"c","ok":true,"attempt":1}"#, "is not a notification key"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c/d","ok":true,"attempt":1}"#, "is not a valid name"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","ok":true,"attempt":1}"#, #"missing required field "channel""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","attempt":1}"#, #"missing required field "ok""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true}"#, #"missing required field "attempt""#),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":0}"#, "integer from 1 to"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":1.5}"#, "found 1.5"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":"1"}"#, "found a string"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":99999999999}"#, "integer from 1 to"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":false,"attempt":1}"#, "required when ok is false"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":1,"error":"timeout"}"#, "only allowed when ok is false"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":false,"attempt":1,"error":"Time Out"}"#, "not a short code"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":false,"attempt":1,"error":"x","detail":"a\nb"}"#, "control characters"),
        (#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"k","channel":"c","ok":true,"attempt":1,"secret":"s"}"#, #"unknown field "secret" for type notify"#),
    ] as [(String, String)])
    func badNotifyLinesAreRefused(line: String, expected: String) {
        let r = reason(line)
        #expect(r != nil, "accepted: \(line)")
        #expect(r?.contains(expected) == true, "reason \(r ?? "nil") lacks \(expected)")
    }

    @Test func aKeyOf129CharactersIsRefused() {
        let key = String(repeating: "k", count: 129)
        #expect(reason(#"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"\#(key)","channel":"c","ok":true,"attempt":1}"#)?
            .contains("is not a notification key") == true)
    }

    @Test func notifyEventsRoundTripThroughTheStoresRows() throws {
        let events = [
            probe(1, "a", 5),
            Event(time: Timestamp(microseconds: 2), body: .notify(NotifyAttempt(key: "c-20260301T120005Z/recovery", channel: "phone", attempt: 1, error: nil))),
            Event(time: Timestamp(microseconds: 3), body: .notify(NotifyAttempt(key: "monitor/9", channel: "sms", attempt: 7, error: "http-status", detail: "500 Internal Server Error"))),
            Event(time: Timestamp(microseconds: 4), body: .notify(NotifyAttempt(key: "speedtest/12", channel: "mail", attempt: 3, error: "expired"))),
            probe(5, "a", 6),
        ]
        _ = try roundTrip(events)
    }

    @Test func theViewsIgnoreNotifyEvents() {
        // A notify event after the last probe neither extends the monitored time nor changes any view.
        var with = Projection(options: Projection.Options())
        var without = Projection(options: Projection.Options())
        let events = [probe(1_000_000, "a", 5), probe(2_000_000, "a", 6)]
        for (i, e) in events.enumerated() {
            with.apply(e, seq: UInt64(i + 1))
            without.apply(e, seq: UInt64(i + 1))
        }
        with.apply(Event(time: Timestamp(microseconds: 90_000_000), body: .notify(NotifyAttempt(key: "k", channel: "c", attempt: 1, error: nil))), seq: 3)
        #expect(with.newestRecorded == without.newestRecorded)
        #expect(with.monitored == without.monitored)
    }
}
