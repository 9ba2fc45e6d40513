import Foundation
import ISPMonCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A request the parser cannot read to its end is the client's error, answered `400` (or not at
/// all, when the client has gone) and never an `error` line: no one without a password can
/// fill the server's log (docs/http.md, "What a device on the network can and cannot do").
@Suite(.serialized) struct ClientErrorTests {
    /// What the server answers on a new connection to `bytes` (all it sends, to the close).
    static func exchange(_ s: WebServeTests.Served, _ bytes: String) -> String {
        guard let fd = loopbackConnection(port: s.port, timeout: 5) else { return "" }
        defer { close(fd) }
        _ = ConnectionLimitsTests.send(fd, Array(bytes.utf8))
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The server's `error` lines (its config asks for warnings and worse).
    static func errors(_ s: WebServeTests.Served) -> [String] {
        s.log.components(separatedBy: "\n").filter { $0.contains(" error ") }
    }

    @Test func aMalformedChunkedBodyIsA400AndNoErrorLine() throws {
        let s = try WebServeTests.Served()
        let token = try CLI.run(["token", "create", "notes"], data: s.store).out.split(separator: "\n").last.map(String.init) ?? ""
        // Unauthenticated, to the sign-in form; and with a token, to a note's JSON body.
        let login = Self.exchange(s, "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                     + "Transfer-Encoding: chunked\r\n\r\nzz\r\npassword=x\r\n0\r\n\r\n")
        #expect(login.hasPrefix("HTTP/1.1 400 "), "\(login.prefix(200))")
        let note = Self.exchange(s, "POST /api/v1/outages/c-none/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"te\r\nnot a size\r\n")
        #expect(note.hasPrefix("HTTP/1.1 400 "), "\(note.prefix(200))")
        #expect(note.contains("\"error\""), "the API's error form: \(note)")
        #expect(Self.errors(s).isEmpty, "\(s.log)")
        #expect(s.client.get("/healthz")?.status == 200)
    }

    @Test func aClientLeavingMidBodyLeavesNoErrorLine() throws {
        let s = try WebServeTests.Served()
        for _ in 0..<5 {
            guard let fd = loopbackConnection(port: s.port) else { continue }
            _ = ConnectionLimitsTests.send(fd, Array(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                                      + "Content-Length: 1000\r\n\r\npassword=abc").utf8))
            usleep(200_000)
            close(fd)
        }
        // The server has heard of every one before it answers this (one event loop a core: give
        // the other a moment too).
        usleep(500_000)
        #expect(s.client.get("/healthz")?.status == 200)
        #expect(Self.errors(s).isEmpty, "\(s.log)")
    }
}
