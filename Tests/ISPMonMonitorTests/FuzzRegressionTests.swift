import Foundation
import Testing
import ISPMonMonitor
import ISPMonCore

/// Inputs the fuzzers (Fuzz/) found: each must now get the parser's normal answer, and what
/// a peer sent must reach an event's detail only as text that `ispmon import` accepts
/// (events.md: no control characters).
@Suite struct FuzzRegressionTests {
    /// FuzzDNS: an answer whose question is a one-byte label holding NUL, for the question `a.b A`.
    /// The reason quoted the name as it was, NUL included, into the probe's detail.
    @Test func aDNSAnswerToAnotherQuestionQuotesItsName() throws {
        let found = try #require(Data(base64Encoded: "CgAH/woAAQAAB//3AAEAAAAAAPcAAQAAB//3AAEAAAAAAA=="))
        let answer = Array(found.dropFirst())  // the first byte chose the question
        #expect(DNSMessage.parse(answer, id: 0x0007, name: "a.b", type: .a) == .malformed("answer to another question (\\x00)"))

        // The same with a line break in a label, and a name far longer than a detail may be.
        var m: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x0A, 0x62, 0, 0, 1, 0, 1]
        #expect(DNSMessage.parse(m, id: 0x1234, name: "example.com", type: .a) == .malformed("answer to another question (a\\x0Ab)"))
        m = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        for _ in 0..<60 { m += [63] + [UInt8](repeating: 0x78, count: 63) }
        m += [0, 0, 1, 0, 1]
        guard case .malformed(let why) = DNSMessage.parse(m, id: 0x1234, name: "example.com", type: .a) else {
            Issue.record("a long other name is not malformed")
            return
        }
        #expect(why.hasPrefix("answer to another question (xxx"))
        #expect(why.utf8.count <= 300)
    }

    /// FuzzHTTP: a "response" of one control byte became the http-malformed detail as it was.
    @Test func aMalformedHTTPStatusLineIsQuoted() {
        #expect(HTTPHead.status([0x01]) == nil)
        #expect(HTTPHead.malformedDetail([0x01]) == "\\x01")
        #expect(HTTPHead.malformedDetail(Array("SSH-2.0-OpenSSH_9.2\u{1B}[0m\r\nrest".utf8)) == "SSH-2.0-OpenSSH_9.2\\x1B[0m")
        #expect(HTTPHead.malformedDetail([UInt8](repeating: 0x41, count: 200)) == String(repeating: "A", count: 80))
        #expect(HTTPHead.status(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)) == 204)
    }

    /// FuzzResolverFiles: a hosts line `011 ..` (011 is an address to getaddrinfo: 0.0.0.9) kept
    /// the name `.`, which no target can have; only valid host names are kept now.
    @Test func aHostsFileKeepsOnlyHostNames() throws {
        let found = try #require(Data(base64Encoded: "bnN0OzpjYWQKVgAAAAx0DC8MDAwMDAwMbQxtZXNlcjAuDQowMTEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC4uCg=="))
        let hosts = HostsFile.parse(Array(found))
        #expect(hosts.addresses.keys.allSatisfy { HostName.isValid($0) && !$0.hasSuffix(".") }, "\(hosts.addresses)")
        #expect(HostsFile.parse(Array("192.0.2.1 .. a..b ok.example.\n".utf8)).addresses == ["ok.example": ["192.0.2.1"]])
    }
}
