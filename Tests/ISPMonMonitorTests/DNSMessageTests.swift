import Testing
@testable import ISPMonMonitor
import ISPMonCore

@Suite struct DNSMessageTests {
    @Test func theQueryIsRFC1035() {
        #expect(DNSMessage.query(id: 0xBEEF, name: "example.com", type: .a) == [
            0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
            7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 3, 0x63, 0x6F, 0x6D, 0,
            0, 1, 0, 1,
        ])
    }

    /// A response to `query`, with `answers` (type, rdata) each naming the question by a pointer.
    func response(to query: [UInt8], rcode: UInt8 = 0, answers: [(UInt16, [UInt8])]) -> [UInt8] {
        var m = query
        m[2] = 0x81
        m[3] = 0x80 | rcode
        m[7] = UInt8(answers.count)
        for (type, data) in answers {
            m += [0xC0, 12, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(data.count)] + data
        }
        return m
    }

    @Test func answersAreCheckedAndRead() {
        let q = DNSMessage.query(id: 7, name: "example.com", type: .a)
        // A CNAME first, then the address: the address is what counts.
        let r = response(to: q, answers: [(5, [3, 0x77, 0x77, 0x77, 0xC0, 12]), (1, [192, 0, 2, 10])])
        #expect(DNSMessage.parse(r, id: 7, name: "example.com", type: .a) == .address("192.0.2.10"))
        #expect(DNSMessage.parse(r, id: 7, name: "EXAMPLE.com.", type: .a) == .address("192.0.2.10"))
        #expect(DNSMessage.parse(response(to: q, answers: []), id: 7, name: "example.com", type: .a) == .address(nil))
        #expect(DNSMessage.parse(response(to: q, rcode: 3, answers: []), id: 7, name: "example.com", type: .a) == .failure(rcode: 3))
        #expect(DNSMessage.errorCode(rcode: 3) == "dns-nxdomain")
        #expect(DNSMessage.errorCode(rcode: 2) == "dns-servfail")
        let q6 = DNSMessage.query(id: 9, name: "example.com", type: .aaaa)
        let v6: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1]
        #expect(DNSMessage.parse(response(to: q6, answers: [(28, v6)]), id: 9, name: "example.com", type: .aaaa) == .address("2001:db8::1"))
    }

    @Test func anythingElseIsMalformed() {
        let q = DNSMessage.query(id: 7, name: "example.com", type: .a)
        let good = response(to: q, answers: [(1, [192, 0, 2, 10])])
        func malformed(_ m: [UInt8], name: String = "example.com") -> Bool {
            if case .malformed = DNSMessage.parse(m, id: 7, name: name, type: .a) { return true }
            return false
        }
        #expect(malformed(Array(good.prefix(11))))
        #expect(malformed(good, name: "example.org"))  // another question
        var otherID = good
        otherID[1] = 8
        #expect(malformed(otherID))
        var notResponse = good
        notResponse[2] = 0x01
        #expect(malformed(notResponse))
        #expect(malformed(Array(good.dropLast(2))))  // truncated record
        var loop = good
        loop[12] = 0xC0
        loop[13] = 12  // a name pointing at itself
        #expect(malformed(loop))
        // Every truncation of a good answer is malformed or at most an empty answer, never a trap.
        for n in 0..<good.count { _ = DNSMessage.parse(Array(good.prefix(n)), id: 7, name: "example.com", type: .a) }
    }

    @Test func names() {
        #expect(HostName.isValid("example.com"))
        #expect(HostName.isValid("_dmarc.example.com."))
        #expect(!HostName.isValid("a..b"))
        #expect(!HostName.isValid(String(repeating: "a", count: 64) + ".com"))
        #expect(!HostName.isValid("exa mple.com"))
    }
}
