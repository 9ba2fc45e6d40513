import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The 64 places for live streams (`GET /api/v1/stream`) belong to their connections: given back
/// when a connection closes, however it closes and whatever its answer had come to, and at once,
/// not at the stream's next write (a quiet stream writes every 15 s).
@Suite(.serialized) struct StreamSlotsTests {
    static let limit = 64

    /// The status of the answer to a stream request on `fd` (reading its head), 0 without one.
    static func status(_ fd: Int32) -> Int {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 12 else { return 0 }
        return Int(String(decoding: buffer[9..<12], as: UTF8.self)) ?? 0
    }

    /// A new stream's connection and the status of its answer.
    static func stream(_ s: WebServeTests.Served, cookie: String) -> (fd: Int32, status: Int)? {
        guard let fd = loopbackConnection(port: s.port, timeout: 10) else { return nil }
        guard ConnectionLimitsTests.send(fd, Array("GET /api/v1/stream?types=event HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n".utf8)) else {
            close(fd)
            return nil
        }
        return (fd, status(fd))
    }

    @Test func aClosedStreamsPlaceIsFreeAtOnce() throws {
        let s = try WebServeTests.Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        var open: [Int32] = []
        defer { open.forEach { close($0) } }
        for _ in 0..<Self.limit {
            guard let (fd, status) = Self.stream(s, cookie: cookie) else { break }
            open.append(fd)
            #expect(status == 200)
        }
        #expect(open.count == Self.limit)
        if let (fd, status) = Self.stream(s, cookie: cookie) {
            close(fd)
            #expect(status == 503, "one more than \(Self.limit)")
        }
        // One client goes; a new one gets its place well before the quiet stream's next write.
        close(open.removeFirst())
        let start = Date()
        var status = 0
        repeat {
            guard let (fd, got) = Self.stream(s, cookie: cookie) else { break }
            status = got
            if got == 200 { open.append(fd); break }
            close(fd)
            usleep(100_000)
        } while Date().timeIntervalSince(start) < 3
        #expect(status == 200, "no place after \(Date().timeIntervalSince(start)) s")
    }

    @Test func streamsResetBeforeTheirAnswerLeaveEveryPlaceFree() throws {
        let s = try WebServeTests.Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        // 120 clients that ask and reset the connection at once (SO_LINGER 0: an RST, no FIN),
        // most of them before the answer's head is written.
        for _ in 0..<120 {
            guard let fd = loopbackConnection(port: s.port) else { continue }
            _ = ConnectionLimitsTests.send(fd, Array("GET /api/v1/stream?types=event HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n".utf8))
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }
        // Every one of the 64 places is free again (before, 120 resets left none).
        var open: [Int32] = []
        defer { open.forEach { close($0) } }
        var statuses: [Int] = []
        let start = Date()
        while open.count < Self.limit, Date().timeIntervalSince(start) < 10 {
            guard let (fd, status) = Self.stream(s, cookie: cookie) else { break }
            if status == 200 {
                open.append(fd)
            } else {
                // The server may still be hearing of the last resets: a moment, then again.
                statuses.append(status)
                close(fd)
                usleep(100_000)
            }
        }
        #expect(open.count == Self.limit, "\(open.count) of \(Self.limit) streams; refused with \(statuses.prefix(5))")
    }
}
