import Foundation
import Testing
import TestSupport
import ISPMonCore
import ISPMonStore

@Suite(.serialized) struct ConcurrencyAndDiskTests {
    @Test func readersInOtherProcessesWhileTheWriterWrites() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let writer = try startBackgroundIngest(events: 1500000, batch: 100, data: dir.path)
        var reads = 0
        var lastCount = 0
        while writer.isRunning && reads < 12 {
            let v = try CLI.run(["verify", "--json"], data: dir.path)
            #expect(v.status == 0, "verify during writes: \(v.stderr)")
            let e = try CLI.run(["export", "--type", "speedtest"], data: dir.path)
            #expect(e.status == 0, "export during writes: \(e.stderr)")
            let seqs = e.out.split(separator: "\n").compactMap { line in
                line.split(separator: ",").first.flatMap { UInt64($0.dropFirst("{\"seq\":".count)) }
            }
            // Readers see a growing log, each event once, in order, even while chunks are sealed under them.
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "duplicated or reordered events")
            let count = seqs.count
            #expect(count >= lastCount)
            lastCount = count
            reads += 1
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(reads > 0)
        #expect(try CLI.run(["verify"], data: dir.path).status == 0)
    }

    @Test func twoWritersInterleaveWholeCommitsAndLoseNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let a = Array(SyntheticStream(seed: 31).prefix(60_000))
        let b = Array(SyntheticStream(seed: 32).prefix(60_000))
        try ndjson(a).write(to: URL(fileURLWithPath: dir.file("a.ndjson")))
        try ndjson(b).write(to: URL(fileURLWithPath: dir.file("b.ndjson")))
        let store = dir.file("store")
        #expect(try CLI.run(["import", "-"], stdin: ndjson([a[0]]), data: store).status == 0)
        let procs = try ["a.ndjson", "b.ndjson"].map { name -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = ["import", "--commit-every", "300", "--data", store, dir.file(name)]
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        #expect(try CLI.run(["verify"], data: store).status == 0)
        // Each import's events are all there, in its own order.
        let opened = try EventStore(directory: store)
        var all: [Event] = []
        try opened.forEach { _, e in all.append(e); return true }
        #expect(all.count == 1 + a.count + b.count)
        let inA = Set(a), inB = Set(b)
        let onlyA = all.dropFirst().filter { inA.contains($0) && !inB.contains($0) }
        let onlyB = all.dropFirst().filter { inB.contains($0) && !inA.contains($0) }
        #expect(onlyA == a.filter { !inB.contains($0) })
        #expect(onlyB == b.filter { !inA.contains($0) })
    }

    @Test(.enabled(if: SmallDisk.available, "needs root to mount a small tmpfs; CI runs as root"))
    func aFullDiskIsAClearErrorAndLeavesTheStoreIntact() throws {
        // As root (the trait) a mount that fails is a failure, not a quiet pass.
        let disk = try #require(SmallDisk(size: "1m"), "could not mount a small tmpfs")
        let dir = TempDir()
        defer {
            disk.unmount()
            dir.cleanup()
        }
        let store = disk.path + "/store"
        let first = Array(SyntheticStream(seed: 21).prefix(20_000))
        #expect(try CLI.run(["import", "-"], stdin: ndjson(first), data: store).status == 0)
        let before = try CLI.run(["export"], data: store).stdout

        // Far more than 1 MB of events: the disk fills during the import.
        let big = Array(SyntheticStream(seed: 22).prefix(400_000))
        try ndjson(big).write(to: URL(fileURLWithPath: dir.file("big.ndjson")))
        let r = try CLI.run(["import", dir.file("big.ndjson")], data: store)
        #expect(r.status != 0)
        #expect(r.stderr.contains("full"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count <= 2, "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal"))

        // The store opens, verifies, and still begins with everything it had.
        #expect(try CLI.run(["verify"], data: store).status == 0)
        let after = try CLI.run(["export"], data: store).stdout
        #expect(after.starts(with: before))
    }
}

/// `ispmon events --follow` in one process, `ispmon import` in another.
@Suite struct FollowTests {
    @Test func followPrintsWhatAnotherProcessAppends() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 3).prefix(40))
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(events.prefix(20))), data: dir.path).status == 0)
        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: CLI.binary)
        follower.arguments = ["events", "--follow", "--json", "--data", dir.path]
        let out = Pipe()
        follower.standardOutput = out
        try follower.run()
        // SIGKILL: the test runner may leave SIGTERM blocked in its children.
        defer { kill(follower.processIdentifier, SIGKILL); follower.waitUntilExit() }
        func lines(until count: Int) -> [String] {
            var seen = Data()
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                seen.append(out.fileHandleForReading.availableData)
                let l = String(decoding: seen, as: UTF8.self).split(separator: "\n").map(String.init)
                if l.count >= count { return l }
            }
            return String(decoding: seen, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(lines(until: 20).count == 20)
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(events.suffix(20))), data: dir.path).status == 0)
        let all = lines(until: 20)
        #expect(all.count == 20, "the 20 appended by the other process, after the first 20")
        #expect(all.first?.hasPrefix("{\"seq\":21,") == true, "\(all.first ?? "")")
        #expect(all.last?.hasPrefix("{\"seq\":40,") == true)
    }
}
