import Foundation
import ISPMonCore
import ISPMonStore
import Testing
import TestSupport

/// A small tmpfs that is filled and then grown: what a Pi's SD card does when other
/// programs fill it and the space is freed again.
@Suite(.serialized) struct DiskFullTests {
    @Test(.enabled(if: SmallDisk.available, "needs root to mount a small tmpfs; CI runs as root"))
    func aStoreTakesCommitsAgainOnceSpaceReturns() throws {
        let disk = try #require(SmallDisk(size: "700k"), "could not mount a small tmpfs")
        defer { disk.unmount() }
        let store = try EventStore(directory: disk.path + "/store")
        var stream = SyntheticStream(seed: 5).makeIterator()
        var appended = 0
        var failure: StoreError?
        while failure == nil && appended < 2_000_000 {
            var batch: [Event] = []
            for _ in 0..<200 { if let e = stream.next() { batch.append(e) } }
            do { try store.append(batch); appended += batch.count } catch { failure = error }
        }
        if case .diskFull = failure?.kind {} else { Issue.record("not a full disk: \(String(describing: failure))") }
        #expect(disk.grow(to: "8m"))
        // Nothing to reopen or repair: the failed commit left nothing behind.
        let range = try store.append(Array(SyntheticStream(seed: 6).prefix(100)))
        #expect(range == UInt64(appended + 1)...UInt64(appended + 100))
        #expect(try store.verify().ok)
    }
}
