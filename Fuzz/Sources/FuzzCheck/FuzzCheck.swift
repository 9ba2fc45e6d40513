import FuzzSupport
import ISPMonConfig
import ISPMonControl

// The check of an ad-hoc tool's request (POST /api/v1/tools/{tool}: a host, a port, a query,
// a URL, a count from anyone signed in), on any bytes: it never crashes, and what it accepts
// is safe to send: a host and a URL of printable ASCII with no space (nothing that could end
// the HTTP request line or add a header), a port and a count in range.
//
// Input: the tool (first byte), then host, query and url separated by NUL bytes; port and
// count from the last two bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.input(data, size)
    guard let first = bytes.first else { return 0 }
    let tool = Check.Tool.allCases[Int(first) % Check.Tool.allCases.count]
    let parts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    func part(_ i: Int) -> String? { i < parts.count && !parts[i].isEmpty ? parts[i] : nil }
    let tail = bytes.suffix(2)
    let port = tail.count == 2 && tail.first.map({ $0 & 1 == 1 }) == true ? Int(tail.first ?? 0) * 300 - 1000 : nil
    let count = tail.count == 2 && tail.last.map({ $0 & 1 == 1 }) == true ? Int(tail.last ?? 0) % 16 - 2 : nil
    guard let check = try? Check(tool: tool, host: part(0), port: port, query: part(1), url: part(2), count: count) else { return 0 }
    func safe(_ s: String) -> Bool { s.utf8.allSatisfy { (0x21...0x7E).contains($0) } }
    if let host = check.host { Fuzz.require(safe(host) && !host.isEmpty, "host '\(host)' was accepted") }
    if let url = check.url {
        Fuzz.require(safe(url.description), "url '\(url)' was accepted")
        Fuzz.require(safe(url.host) && !url.host.isEmpty, "url host '\(url.host)' was accepted")
    }
    if let query = check.query { Fuzz.require(safe(query), "query '\(query)' was accepted") }
    if let p = check.port { Fuzz.require(p > 0, "port 0 was accepted") }
    Fuzz.require((1...Check.maxCount).contains(check.count), "count \(check.count) was accepted")
    Fuzz.require(!check.target.isEmpty, "an empty target")
    return 0
}

@_cdecl("FuzzCheck_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
