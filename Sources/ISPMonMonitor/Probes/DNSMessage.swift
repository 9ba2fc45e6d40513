public import ISPMonCore

/// The DNS wire format (RFC 1035) for the dns probe and the name cache: one question out, the
/// answer checked (id, question, response code) and its addresses (and their TTL) read.
public enum DNSMessage {
    /// A standard query with recursion desired.
    public static func query(id: UInt16, name: String, type: DNSRecordType) -> [UInt8] {
        var m: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        m += encodeName(name)
        m += [UInt8(type.code >> 8), UInt8(type.code & 0xFF), 0, 1]  // class IN
        return m
    }

    static func encodeName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in name.split(separator: ".") {
            out.append(UInt8(label.utf8.count))
            out += label.utf8
        }
        out.append(0)
        return out
    }

    /// What an answer said.
    public enum Answer: Equatable, Sendable {
        /// The first address of the asked type, e.g. `93.184.215.14` (nil: an empty answer).
        case address(String?)
        /// A response code other than NOERROR: 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, …
        case failure(rcode: Int)
        /// Not an answer to our question (another id, another question), or damaged.
        case malformed(String)
    }

    /// Checks that `response` answers the query `id`/`name`/`type`, and reads it.
    public static func parse(_ response: [UInt8], id: UInt16, name: String, type: DNSRecordType) -> Answer {
        switch records(response, id: id, name: name, type: type) {
        case .addresses(let a, _): .address(a.first)
        case .failure(let rcode): .failure(rcode: rcode)
        case .malformed(let why): .malformed(why)
        }
    }

    /// Every address an answer gave, for the name cache (NameCache).
    public enum Records: Equatable, Sendable {
        /// The addresses of the asked type in answer order (empty: no address), and the
        /// smallest TTL (s) of the answer records read on the way, a CNAME's included
        /// (nil when there were none).
        case addresses([String], ttl: UInt32?)
        case failure(rcode: Int)
        case malformed(String)
    }

    /// Checks that `response` answers the query `id`/`name`/`type`, and reads every address
    /// of that type in its answer section with the records' TTL.
    public static func records(_ response: [UInt8], id: UInt16, name: String, type: DNSRecordType) -> Records {
        guard response.count >= 12 else { return .malformed("short message (\(response.count) bytes)") }
        guard UInt16(response[0]) << 8 | UInt16(response[1]) == id else { return .malformed("answer to another query id") }
        guard response[2] & 0x80 != 0 else { return .malformed("not a response") }
        let rcode = Int(response[3] & 0x0F)
        let qdcount = Int(response[4]) << 8 | Int(response[5])
        let ancount = Int(response[6]) << 8 | Int(response[7])
        var offset = 12
        if qdcount > 0 {
            guard qdcount == 1, let (qname, next) = readName(response, at: offset), next + 4 <= response.count else {
                return .malformed("bad question section")
            }
            let qtype = UInt16(response[next]) << 8 | UInt16(response[next + 1])
            guard qname.lowercased() == normalized(name), qtype == type.code else {
                // The name is the peer's: quoted, as it becomes the probe's detail.
                return .malformed("answer to another question (\(PeerText.quoted(qname, maxBytes: 255)))")
            }
            offset = next + 4
        } else if rcode == 0 {
            return .malformed("no question in the answer")
        }
        guard rcode == 0 else { return .failure(rcode: rcode) }
        var addresses: [String] = []
        var ttl: UInt32?
        for _ in 0..<ancount {
            guard let (_, next) = readName(response, at: offset), next + 10 <= response.count else {
                // Addresses before the damage are good answers already (the probe stops at the first).
                return addresses.isEmpty ? .malformed("bad answer section") : .addresses(addresses, ttl: ttl)
            }
            let rtype = UInt16(response[next]) << 8 | UInt16(response[next + 1])
            let rawTTL = UInt32(response[next + 4]) << 24 | UInt32(response[next + 5]) << 16
                | UInt32(response[next + 6]) << 8 | UInt32(response[next + 7])
            let length = Int(response[next + 8]) << 8 | Int(response[next + 9])
            let data = next + 10
            guard data + length <= response.count else {
                return addresses.isEmpty ? .malformed("truncated record") : .addresses(addresses, ttl: ttl)
            }
            // RFC 2181 §8: a TTL with the top bit set is to be read as zero.
            let recordTTL = rawTTL & 0x8000_0000 != 0 ? 0 : rawTTL
            if rtype == type.code {
                let bytes = Array(response[data..<(data + length)])
                if type == .a && length == 4 {
                    addresses.append(bytes.map(String.init).joined(separator: "."))
                } else if type == .aaaa && length == 16 {
                    addresses.append(ipv6String(bytes))
                } else {
                    return addresses.isEmpty ? .malformed("bad \(type) record") : .addresses(addresses, ttl: ttl)
                }
                ttl = min(ttl ?? recordTTL, recordTTL)
            } else if rtype == 5 {
                ttl = min(ttl ?? recordTTL, recordTTL)  // the alias expires with its record too
            }
            offset = data + length
        }
        return .addresses(addresses, ttl: ttl)
    }

    static func normalized(_ name: String) -> String {
        (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
    }

    /// A (possibly compressed) name at `offset`, and the offset after it; nil when damaged.
    static func readName(_ m: [UInt8], at start: Int) -> (String, Int)? {
        var labels: [String] = []
        var offset = start
        var end: Int?
        var jumps = 0
        while true {
            guard offset < m.count else { return nil }
            let len = Int(m[offset])
            if len == 0 {
                return (labels.joined(separator: "."), end ?? offset + 1)
            } else if len & 0xC0 == 0xC0 {
                guard offset + 1 < m.count, jumps < 16 else { return nil }
                if end == nil { end = offset + 2 }
                offset = (len & 0x3F) << 8 | Int(m[offset + 1])
                jumps += 1
            } else {
                guard len <= 63, offset + 1 + len <= m.count else { return nil }
                labels.append(String(decoding: m[(offset + 1)..<(offset + 1 + len)], as: UTF8.self))
                offset += 1 + len
            }
        }
    }

    static func ipv6String(_ b: [UInt8]) -> String {
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])) }
        // The longest run of zero groups (two or more) becomes "::" (RFC 5952).
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (i, g) in groups.enumerated() {
            if g == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.length)...].joined(separator: ":")
    }

    /// The error code for a failed answer (events.md: short codes).
    public static func errorCode(rcode: Int) -> String {
        switch rcode {
        case 2: "dns-servfail"
        case 3: "dns-nxdomain"
        case 5: "dns-refused"
        default: "dns-rcode-\(rcode)"
        }
    }
}
