import Foundation
import TestSupport
import Testing
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonStore
@testable import ISPMonNotify

/// `ispmon notify status` lists what is due but was never tried (docs/notify.md): derived from the
/// log as the notifier derives its outbox, without writing to the store, and merged with what the
/// notify events say.
@Suite struct NeverTriedTests {
    typealias Log = OutboxFromLogTests

    @Test func aDueNotificationWithoutAttemptsIsListedUntilItsFirstAttempt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        _ = try store.append([Event(time: Timestamp(microseconds: Log.t0), body: .monitor(MonitorState(state: .started)))]
                             + Log.probes(from: 0, to: 100, down: false))
        // A notifier ran with `phone`: its history begins here.
        _ = try Notifier.derive(store: store, channels: [Log.channel("phone")], plan: nil)
        let cursor = try store.cursor(OutboxStart.cursor)
        #expect(try Notifier.neverTried(store: store, channels: [Log.channel("phone")], plan: nil).isEmpty, "nothing happened yet")

        // The internet goes down; the monitor stops before its notice is tried (kill -9).
        _ = try store.append(Log.probes(from: 100, to: 200, down: true)[...])
        guard let id = try Queries(store: store).outages().first?.id else {
            Issue.record("no outage")
            return
        }
        let due = try Notifier.neverTried(store: store, channels: [Log.channel("phone"), Log.channel("late")], plan: nil)
        #expect(due == [NotifyStatus.Entry(key: id + "/outage", channel: "phone", state: .pending, attempts: 0)], "\(due)")
        // Read-only: neither the cursor nor the channels' table moved (`late` is still unknown).
        #expect(try store.cursor(OutboxStart.cursor) == cursor)
        #expect(try store.progress(OutboxStart.channelsTable).count == 1)

        // Merged with the notify events: listed once, as never tried.
        var status = try Queries(store: store).notifyStatus()
        #expect(status.entries.isEmpty)
        status.addNeverTried(due)
        #expect(status.entries.map { "\($0.channel) \($0.key) \($0.state) \($0.attempts) \($0.lastAttempt.map(String.init) ?? "never")" }
                == ["phone \(id)/outage pending 0 never"])

        // Once tried (and failed), the notify event tells of it, and it is no longer never tried.
        _ = try store.append([Log.notify(id + "/outage", "phone", attempt: 1, error: "timeout", at: 131)][...])
        #expect(try Notifier.neverTried(store: store, channels: [Log.channel("phone")], plan: nil).isEmpty)
        var tried = try Queries(store: store).notifyStatus()
        tried.addNeverTried(try Notifier.neverTried(store: store, channels: [Log.channel("phone")], plan: nil))
        #expect(tried.entries.map { "\($0.key) \($0.state) \($0.attempts)" } == ["\(id)/outage pending 1"])
        // A channel no longer in the config: nothing will try it.
        tried.markRemoved(running: ["late"])
        #expect(tried.entries.map(\.state) == [.removed])
    }
}
