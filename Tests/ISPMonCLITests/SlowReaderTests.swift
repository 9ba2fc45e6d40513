import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Clients that ask for a large answer and read none of it (docs/http.md, "What a device on the
/// network can and cannot do"): each holds a page or two of the answer and a small send buffer,
/// not all of it, and its connection is closed once it has read nothing for the write timeout
/// (shortened here with `ISPMON_WEB_WRITE_TIMEOUT_MS`).
@Suite(.serialized) struct SlowReaderTests {
    static let request = "/api/v1/events?limit=10000"

    /// Asks for `request` on a new small-window connection and reads nothing.
    static func slowReader(_ s: WebServeTests.Served, cookie: String) -> Int32? {
        // A 4 KiB receive buffer: the server's writes soon wait for it.
        guard let fd = loopbackConnection(port: s.port, receiveBuffer: 4096) else { return nil }
        guard ConnectionLimitsTests.send(fd, Array("GET \(request) HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n".utf8)) else {
            close(fd)
            return nil
        }
        return fd
    }

    /// The server's anonymous memory (RssAnon of /proc/PID/status), in kB: what it made, not
    /// the store's pages it maps.
    static func anonymousKB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    /// The bytes the kernel holds unsent for the server's connections on `port` (`tx_queue` of
    /// /proc/net/tcp): what an answer written whole, that nobody reads, waits in.
    static func queuedKB(port: UInt16) -> Int {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return 0 }
        return table.split(separator: "\n").dropFirst().reduce(0) { sum, line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count > 4, let local = f[1].split(separator: ":").last, UInt16(local, radix: 16) == port,
                  let queued = f[4].split(separator: ":").first.flatMap({ Int($0, radix: 16) }) else { return sum }
            return sum + queued / 1024
        }
    }

    @Test func aClientThatReadsNothingIsCutAfterTheWriteTimeout() throws {
        let s = try WebServeTests.Served(environment: ["ISPMON_WEB_WRITE_TIMEOUT_MS": "1000"])
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let whole = s.client.get(Self.request, headers: [("Cookie", cookie)])
        #expect(whole?.status == 200)
        let wholeBytes = whole?.body.count ?? 0
        #expect(wholeBytes > 1_000_000, "the answer must be far more than the buffers hold: \(wholeBytes) bytes")
        guard let fd = Self.slowReader(s, cookie: cookie) else { Issue.record("no connection"); return }
        defer { close(fd) }
        // Nothing read for four write timeouts; then all that was sent, to its end.
        usleep(4_000_000)
        var received = 0
        var ended = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += n; continue }
            ended = n == 0 || errno == ECONNRESET
            break
        }
        #expect(ended, "the connection was not closed (\(received) bytes read, then nothing for 10 s)")
        #expect(received < wholeBytes / 2, "\(received) of \(wholeBytes) bytes were sent: the answer was not cut")
        // Clients that read are served meanwhile and after.
        #expect(s.client.get("/healthz")?.status == 200)
    }

    @Test func fiftyClientsThatReadNothingEachHoldAFewPagesNotTheirAnswer() throws {
        let s = try WebServeTests.Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        // Once whole, so that what a first answer makes and keeps (caches, the pools' threads) is
        // there before the count starts.
        let whole = s.client.get(Self.request, headers: [("Cookie", cookie)])
        #expect(whole?.status == 200 && (whole?.body.count ?? 0) > 1_000_000)
        usleep(500_000)
        guard let before = Self.anonymousKB(s.process.processIdentifier) else { Issue.record("no /proc status"); return }
        let queuedBefore = Self.queuedKB(port: s.port)
        var open: [Int32] = []
        defer { open.forEach { close($0) } }
        for _ in 0..<50 {
            guard let fd = Self.slowReader(s, cookie: cookie) else { break }
            open.append(fd)
        }
        #expect(open.count == 50)
        // Every answer under way (each waits for its client), well within the 30 s write timeout.
        usleep(3_000_000)
        guard let during = Self.anonymousKB(s.process.processIdentifier) else { Issue.record("no /proc status"); return }
        let queued = Self.queuedKB(port: s.port) - queuedBefore
        // Before, each held its whole answer (1.5 MB), made in the server's memory and handed to
        // the kernel, whose send buffer grows to 4 MB: 50 held 75 MB. Now each holds a page or
        // two and 128 KiB of kernel buffer (which Linux counts double): about 400 kB.
        let held = during - before + queued
        #expect(held < 40_000, "\(held) kB held for 50 slow readers: RssAnon \(before) kB before, \(during) kB with them, \(queued) kB unsent in the kernel")
        #expect(s.client.get("/healthz")?.status == 200)
    }
}
