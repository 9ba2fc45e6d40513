import FuzzSupport
import ISPMonCore
import ISPMonMonitor

// The DNS answer parser on any datagram: the first byte picks the question asked (name and
// type), the rest is the answer; its id is taken from the answer itself so that the checks
// behind the id check are reached. What the parser says becomes a probe event's detail, so
// it must be importable text. Every address of the answer (DNSMessage.records, what the name
// cache keeps) must be a numeric address.

let questions: [(String, DNSRecordType)] = [("example.com", .a), ("example.com.", .aaaa), ("a.b", .a), ("x", .aaaa)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.input(data, size)
    guard let first = input.first else { return 0 }
    let (name, type) = questions[Int(first) % questions.count]
    let answer = Array(input.dropFirst())
    let id = answer.count >= 2 ? UInt16(answer[0]) << 8 | UInt16(answer[1]) : 0
    switch DNSMessage.parse(answer, id: id, name: name, type: type) {
    case .address(let a?):
        Fuzz.require(isImportableDetail("\(name) \(type) \(a)"), "address \(a.debugDescription) is not importable text")
    case .address(nil), .failure:
        break
    case .malformed(let why):
        Fuzz.require(isImportableDetail(why), "reason \(why.debugDescription) is not importable text")
    }
    // Every address the name cache would keep is one it can connect to.
    if case .addresses(let all, _) = DNSMessage.records(answer, id: id, name: name, type: type) {
        for a in all {
            Fuzz.require(Resolver.numeric(a, port: nil) != nil, "address \(a.debugDescription) is not numeric")
        }
    }
    return 0
}

@_cdecl("FuzzDNS_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
