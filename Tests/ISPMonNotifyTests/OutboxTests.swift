import Testing
import ISPMonConfig
import ISPMonCore
@testable import ISPMonNotify

/// The outbox's decisions with a fake clock (pure logic: no channel, no store): what is due,
/// folding an outage into its recovery, flap control, the retry schedule, expiry.
@Suite struct OutboxTests {
    static let t0: Int64 = 1_772_366_400_000_000  // 2026-03-01T12:00:00Z
    static let s: Int64 = 1_000_000

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: t0 + seconds * s) }

    static func outageID(_ seconds: Int64) -> String { Outage.id(kind: .connectivity, start: t0 + seconds * s) }

    static func opened(_ seconds: Int64, seq: UInt64) -> DueNotification {
        let id = outageID(seconds)
        return DueNotification(key: DueNotification.outageKey(id), trigger: .outage, seq: seq, time: at(seconds), outage: id)
    }

    static func closed(_ startSeconds: Int64, at seconds: Int64, seq: UInt64) -> DueNotification {
        let id = outageID(startSeconds)
        return DueNotification(key: DueNotification.recoveryKey(id), trigger: .recovery, seq: seq, time: at(seconds), outage: id)
    }

    static func channel(_ name: String = "phone", on: Set<DueNotification.Trigger> = [.outage, .recovery], since: UInt64 = 0,
                        minInterval: Int64 = 300 * s, maxAge: Int64 = 86_400 * s) -> Outbox.Channel {
        Outbox.Channel(name: name, on: on, minInterval: minInterval, maxAge: maxAge, since: since)
    }

    /// Takes the next action and records its outcome (`error` nil: delivered).
    static func step(_ box: inout Outbox, _ channel: String = "phone", at seconds: Int64, error: String? = nil) -> Outbox.Action? {
        guard let action = box.next(for: channel, now: at(seconds)) else { return nil }
        let attempt: NotifyAttempt
        if let record = action.record(channel: channel) {
            attempt = record
        } else if case .deliver(let due, let n, _, _) = action {
            attempt = NotifyAttempt(key: due.key, channel: channel, attempt: n, error: error)
        } else {
            Issue.record("an action neither a record nor a delivery")
            return nil
        }
        box.record(attempt, at: at(seconds))
        return action
    }

    @Test func anOutageIsDueAtOnceAndDeliveredOnce() {
        var box = Outbox(channels: [Self.channel()])
        box.add(Self.opened(0, seq: 10))
        let action = Self.step(&box, at: 1)
        #expect(action == .deliver(Self.opened(0, seq: 10), attempt: 1, heldBackOutage: false, suppressed: 0))
        #expect(box.next(for: "phone", now: Self.at(2)) == nil)
        #expect(box.pending(for: "phone").isEmpty)
        // The same notification again (the log read twice) changes nothing once it is delivered…
        box.record(NotifyAttempt(key: Self.opened(0, seq: 10).key, channel: "phone", attempt: 1, error: nil), at: Self.at(3))
        #expect(box.pending(for: "phone").isEmpty)
    }

    @Test func onlyTheTriggersAChannelAsksForAndOnlyAfterItsSince() {
        var box = Outbox(channels: [Self.channel("a", on: [.recovery]), Self.channel("b", since: 20), Self.channel("c")])
        box.add(Self.opened(0, seq: 10))
        box.add(Self.closed(0, at: 60, seq: 30))
        #expect(box.pending(for: "a").map(\.due.key) == [Self.closed(0, at: 60, seq: 30).key])
        #expect(box.pending(for: "b").map(\.due.key) == [Self.closed(0, at: 60, seq: 30).key])  // the outage came before b existed
        #expect(box.pending(for: "c").count == 2)
    }

    @Test func anOutageStillPendingAtItsRecoveryIsFoldedIntoIt() {
        var box = Outbox(channels: [Self.channel()])
        box.add(Self.opened(0, seq: 10))
        // The internet is down: the outage notice fails.
        #expect(Self.step(&box, at: 0, error: "timeout")?.due.trigger == .outage)
        box.add(Self.closed(0, at: 120, seq: 50))
        // One message: the recovery, saying the notice was held back; the outage notice is not sent.
        let action = Self.step(&box, at: 121)
        #expect(action == .deliver(Self.closed(0, at: 120, seq: 50), attempt: 1, heldBackOutage: true, suppressed: 0))
        #expect(box.pending(for: "phone").isEmpty)
        #expect(box.next(for: "phone", now: Self.at(10_000)) == nil)
    }

    @Test func aDeliveredOutageMakesAPlainRecovery() {
        var box = Outbox(channels: [Self.channel()])
        box.add(Self.opened(0, seq: 10))
        _ = Self.step(&box, at: 0)
        box.add(Self.closed(0, at: 120, seq: 50))
        #expect(Self.step(&box, at: 121) == .deliver(Self.closed(0, at: 120, seq: 50), attempt: 1, heldBackOutage: false, suppressed: 0))
    }

    @Test func retriesBackOff5s10s20sUpTo5Minutes() {
        #expect((1...9).map(RetrySchedule.delay(afterAttempt:)) == [5, 10, 20, 40, 80, 160, 300, 300, 300].map { $0 * Self.s })
        #expect(RetrySchedule.delay(afterAttempt: 1_000_000) == 300 * Self.s)
        var box = Outbox(channels: [Self.channel(on: [.recovery])])
        box.add(Self.closed(0, at: 60, seq: 5))
        var now: Int64 = 60
        var attemptsAt: [Int64] = []
        for _ in 0..<8 {
            guard let wake = box.wake(for: "phone") else { Issue.record("nothing to wake for"); return }
            now = max(now, (wake.microseconds - Self.t0) / Self.s)
            #expect(box.next(for: "phone", now: Self.at(now - 1)) == nil || now == 60)
            guard case .deliver(_, let n, _, _)? = Self.step(&box, at: now, error: "http-status") else { Issue.record("no attempt at \(now)"); return }
            #expect(n == attemptsAt.count + 1)
            attemptsAt.append(now)
        }
        #expect(zip(attemptsAt.dropFirst(), attemptsAt).map { $0 - $1 } == [5, 10, 20, 40, 80, 160, 300])
        #expect(box.pending(for: "phone").first?.lastError == "http-status")
    }

    @Test func anUndeliveredNotificationExpiresOnceAfterMaxAge() {
        var box = Outbox(channels: [Self.channel(on: [.recovery], maxAge: 3600 * Self.s)])
        box.add(Self.closed(0, at: 60, seq: 5))
        var now: Int64 = 60
        var attempts = 0
        while let wake = box.wake(for: "phone"), attempts < 100 {
            now = (wake.microseconds - Self.t0) / Self.s
            guard let action = Self.step(&box, at: now, error: "refused") else { Issue.record("woken for nothing at \(now)"); return }
            attempts += 1
            if case .expire(_, let n) = action {
                #expect(n == attempts)
                #expect(now == 3660)  // max_age after the recovery
                break
            }
        }
        #expect(box.pending(for: "phone").isEmpty)
        #expect(box.wake(for: "phone") == nil)
        #expect(attempts > 10 && attempts < 30)
    }

    @Test func flapControlSuppressesOutageNoticesWithinMinIntervalAndCountsThem() {
        var box = Outbox(channels: [Self.channel(minInterval: 300 * Self.s)])
        box.add(Self.opened(0, seq: 1))
        _ = Self.step(&box, at: 0)
        box.add(Self.closed(0, at: 30, seq: 2))
        _ = Self.step(&box, at: 30)
        // Two more outages within 5 minutes of the first: held back, each recorded as suppressed.
        box.add(Self.opened(60, seq: 3))
        #expect(Self.step(&box, at: 60) == .suppress(Self.opened(60, seq: 3), attempt: 1))
        box.add(Self.closed(60, at: 90, seq: 4))
        // …but a recovery is never held back, and it counts the suppressed notice.
        #expect(Self.step(&box, at: 90) == .deliver(Self.closed(60, at: 90, seq: 4), attempt: 1, heldBackOutage: false, suppressed: 1))
        box.add(Self.opened(200, seq: 5))
        #expect(Self.step(&box, at: 200)?.record(channel: "phone")?.error == "suppressed")
        box.add(Self.closed(200, at: 210, seq: 6))
        #expect(Self.step(&box, at: 210) == .deliver(Self.closed(200, at: 210, seq: 6), attempt: 1, heldBackOutage: false, suppressed: 1))
        // Past min_interval from the last notice that went out: told again.
        box.add(Self.opened(400, seq: 7))
        #expect(Self.step(&box, at: 400) == .deliver(Self.opened(400, seq: 7), attempt: 1, heldBackOutage: false, suppressed: 0))
    }

    @Test func readingTheSameNotifyEventsAgainChangesNothing() {
        // The follower hands back what a channel's worker already recorded.
        var box = Outbox(channels: [Self.channel()])
        box.add(Self.opened(0, seq: 1))
        _ = Self.step(&box, at: 0, error: "timeout")
        let again = NotifyAttempt(key: Self.opened(0, seq: 1).key, channel: "phone", attempt: 1, error: "timeout")
        box.record(again, at: Self.at(4))
        #expect(box.pending(for: "phone").first?.attempts == 1)
        #expect(box.wake(for: "phone") == Self.at(5))
    }

    @Test func aHungChannelDoesNotHoldAnotherChannelBack() {
        var box = Outbox(channels: [Self.channel("slow"), Self.channel("lan")])
        box.add(Self.opened(0, seq: 1))
        // "slow" has its attempt in flight (its worker is blocked): "lan" goes on regardless.
        #expect(box.next(for: "slow", now: Self.at(0)) != nil)
        #expect(box.next(for: "slow", now: Self.at(1)) == nil)
        #expect(Self.step(&box, "lan", at: 0)?.due.trigger == .outage)
        box.release(Self.opened(0, seq: 1).key, channel: "slow")
        #expect(box.next(for: "slow", now: Self.at(2)) != nil)
    }

    @Test func theOldestPendingSeqIsWhereTheCursorMayMove() {
        var box = Outbox(channels: [Self.channel("a"), Self.channel("b")])
        box.add(Self.opened(0, seq: 7))
        box.add(Self.closed(0, at: 10, seq: 9))
        _ = Self.step(&box, "a", at: 11)  // a: the recovery, which folds the outage
        #expect(box.pending(for: "a").isEmpty)
        #expect(box.oldestPendingSeq == 7)
        _ = Self.step(&box, "b", at: 11)
        #expect(box.oldestPendingSeq == nil)
    }
}
