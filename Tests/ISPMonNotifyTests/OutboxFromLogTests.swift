import Foundation
import TestSupport
import Testing
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonStore
@testable import ISPMonNotify

/// The outbox derived from a real store (LMDB) after appends, as a restart derives it: what is
/// due, one message per outage of the site, what the notify events settled, and channels added
/// later that do not replay history.
@Suite struct OutboxFromLogTests {
    static let t0: Int64 = 1_772_366_400_000_000
    static let s: Int64 = 1_000_000

    /// Every 10 s from `from` to `to`: the router answers; three internet hosts answer, or not when `down`.
    static func probes(from: Int64, to: Int64, down: Bool) -> [Event] {
        stride(from: from, to: to, by: 10).flatMap { sec -> [Event] in
            let time = Timestamp(microseconds: t0 + sec * s)
            return [Event(time: time, body: .probe(Probe(target: "router", role: .gateway, method: .icmp, outcome: .ok(rtt: 400))))]
                + ["one", "two", "three"].map { name in
                    Event(time: Timestamp(microseconds: time.microseconds + 1000), body: .probe(Probe(
                        target: name, role: .internet, method: .icmp, outcome: down ? .failed(error: "timeout") : .ok(rtt: 9000))))
                }
        }
    }

    static func channel(_ name: String) -> MonitorConfig.NotifyChannel {
        MonitorConfig.NotifyChannel(name: name, kind: .webhook)
    }

    static func notify(_ key: String, _ channel: String, attempt: Int, error: String?, at sec: Int64) -> Event {
        Event(time: Timestamp(microseconds: t0 + sec * s), body: .notify(NotifyAttempt(key: key, channel: channel, attempt: attempt, error: error)))
    }

    @Test func threeTargetsDownAreOneOutageAndTheNotifyEventsSettleIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        _ = try store.append([Event(time: Timestamp(microseconds: Self.t0), body: .monitor(MonitorState(state: .started)))] + Self.probes(from: 0, to: 100, down: false))
        // The notifier's first start: the channel's history begins here.
        let first = try Notifier.derive(store: store, channels: [Self.channel("phone")], plan: nil)
        #expect(first.outbox.pending(for: "phone").isEmpty)
        #expect(first.start.after == (try store.lastSeq()))

        _ = try store.append(Self.probes(from: 100, to: 200, down: true)[...])
        let down = try Notifier.derive(store: store, channels: [Self.channel("phone")], plan: nil)
        let outages = try Queries(store: store).outages()
        #expect(outages.count == 1)
        guard let id = outages.first?.id else { return }
        // Three targets down: one outage notice, not three.
        #expect(down.outbox.pending(for: "phone").map(\.due.key) == [id + "/outage"])

        // The notice fails twice (the internet is down), then the outage ends.
        _ = try store.append([Self.notify(id + "/outage", "phone", attempt: 1, error: "timeout", at: 131),
                          Self.notify(id + "/outage", "phone", attempt: 2, error: "timeout", at: 147)][...])
        _ = try store.append(Self.probes(from: 200, to: 260, down: false)[...])
        var restarted = try Notifier.derive(store: store, channels: [Self.channel("phone")], plan: nil)
        #expect(restarted.outbox.pending(for: "phone").map(\.due.key) == [id + "/outage", id + "/recovery"])
        #expect(restarted.outbox.pending(for: "phone").first?.attempts == 2)
        // What a restart does first: the recovery, with the held-back outage folded in.
        let now = Timestamp(microseconds: Self.t0 + 261 * Self.s)
        guard case .deliver(let due, let attempt, let heldBack, _)? = restarted.outbox.next(for: "phone", now: now) else {
            Issue.record("nothing to deliver after the restart")
            return
        }
        #expect(due.key == id + "/recovery" && attempt == 1 && heldBack)

        // Delivered: after the next restart nothing is pending, and the outage notice is settled too.
        _ = try store.append([Self.notify(id + "/recovery", "phone", attempt: 1, error: nil, at: 262)][...])
        let settled = try Notifier.derive(store: store, channels: [Self.channel("phone"), Self.channel("late")], plan: nil)
        #expect(settled.outbox.pending(for: "phone").isEmpty)
        // A channel added now does not replay the outage.
        #expect(settled.outbox.pending(for: "late").isEmpty)
        #expect(settled.start.since["late"] == (try store.lastSeq()))

        // The query layer's status agrees: nothing pending.
        #expect(try Queries(store: store).notifyStatus().entries.isEmpty)
    }

    @Test func statusListsPendingAndExpiredWithTheirLastError() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        _ = try store.append([
            Self.notify("monitor/3", "sms", attempt: 1, error: "refused", at: 1),
            Self.notify("monitor/3", "sms", attempt: 2, error: "http-status", at: 7),
            Self.notify("speedtest/9", "sms", attempt: 1, error: "timeout", at: 8),
            Self.notify("speedtest/9", "sms", attempt: 2, error: "expired", at: 9),
            Self.notify("monitor/3", "hook", attempt: 1, error: nil, at: 10),
            Self.notify("c-20260301T120005Z/outage", "hook", attempt: 1, error: "timeout", at: 11),
            Self.notify("c-20260301T120005Z/recovery", "hook", attempt: 1, error: nil, at: 12),
        ][...])
        let status = try Queries(store: store).notifyStatus()
        #expect(status.entries.map { "\($0.channel) \($0.key) \($0.state.rawValue) \($0.attempts) \($0.lastError ?? "-")" } == [
            "sms monitor/3 pending 2 http-status",
            "sms speedtest/9 expired 2 timeout",
        ])
    }

    @Test func aDNSOutageIsOneNotificationOfItsOwn() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        func round(_ sec: Int64, resolverUp: Bool) -> [Event] {
            let time = Timestamp(microseconds: Self.t0 + sec * Self.s)
            return Self.probes(from: sec, to: sec + 10, down: false) + [Event(time: Timestamp(microseconds: time.microseconds + 2000), body: .probe(Probe(
                target: "resolver", role: .dns, method: .dns, outcome: resolverUp ? .ok(rtt: 11_000) : .failed(error: "timeout"))))]
        }
        _ = try store.append(stride(from: Int64(0), to: 100, by: 10).flatMap { round($0, resolverUp: true) })
        _ = try Notifier.derive(store: store, channels: [Self.channel("phone")], plan: nil)
        _ = try store.append(stride(from: Int64(100), to: 200, by: 10).flatMap { round($0, resolverUp: false) })
        _ = try store.append(stride(from: Int64(200), to: 250, by: 10).flatMap { round($0, resolverUp: true) })
        let outages = try Queries(store: store).outages()
        #expect(outages.map(\.kind) == [.dns])
        let id = outages.first?.id ?? "?"
        let derived = try Notifier.derive(store: store, channels: [Self.channel("phone")], plan: nil)
        #expect(derived.outbox.pending(for: "phone").map(\.due.key) == [id + "/outage", id + "/recovery"])
    }
}
