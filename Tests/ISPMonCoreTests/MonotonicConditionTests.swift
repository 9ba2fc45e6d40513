import Foundation
import ISPMonCore
import Synchronization
import Testing

/// The condition the scheduler, the speed tester and the group commit sleep on: a timed wait
/// ends on the monotonic clock, and a broadcast ends it at once. (That a step of the wall clock
/// cannot stretch it is what `CLOCK_MONOTONIC` promises; stepping this machine's clock in a test
/// would disturb everything else running on it.)
@Suite struct MonotonicConditionTests {
    @Test func aTimedWaitEndsWhenItsTimeIsUpAndSaysSo() {
        let c = MonotonicCondition()
        c.lock()
        let start = Monotonic.microseconds()
        let woken = c.wait(microseconds: 50_000)
        let slept = Monotonic.microseconds() - start
        c.unlock()
        #expect(!woken, "nobody broadcast: the time ran out")
        #expect(slept >= 50_000, "slept \(slept) µs of the 50 000 asked")
        // Zero and negative waits return at once, timed out.
        c.lock()
        #expect(!c.wait(microseconds: 0))
        #expect(!c.wait(microseconds: -5))
        c.unlock()
    }

    @Test func aBroadcastWakesAWaiterBeforeItsTime() {
        let c = MonotonicCondition()
        let ready = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<(woken: Bool, slept: Int64)?>(nil)
        let thread = Thread {
            c.lock()
            ready.store(true, ordering: .sequentiallyConsistent)
            let start = Monotonic.microseconds()
            // A minute: only the broadcast can end it within the test's time.
            let woken = c.wait(microseconds: 60_000_000)
            let slept = Monotonic.microseconds() - start
            c.unlock()
            result.withLock { $0 = (woken, slept) }
            done.signal()
        }
        thread.start()
        while !ready.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
        // The waiter holds the lock until it waits: taking it here means it is waiting.
        c.lock()
        c.broadcast()
        c.unlock()
        #expect(done.wait(timeout: .now() + 10) == .success, "the waiter woke")
        let r = result.withLock { $0 }
        #expect(r?.woken == true)
        #expect((r?.slept ?? .max) < 10_000_000)
    }
}
