import FuzzSupport
import ISPMonMonitor

// The HTTP response head parser (status line, end of the header lines) on whatever a server
// sends; the detail of an http-malformed probe comes from it and must be importable text.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let head = Array(Fuzz.input(data, size))
    if let status = HTTPHead.status(head) {
        Fuzz.require((100...599).contains(status), "status \(status) out of range")
    } else {
        let detail = HTTPHead.malformedDetail(head)
        Fuzz.require(isImportableDetail(detail), "detail \(detail.debugDescription) is not importable text")
    }
    if let end = HTTPHead.end(head) {
        Fuzz.require(end >= 4 && end <= head.count && head[(end - 4)..<end].elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]),
                     "end of headers at \(end) is not after a blank line")
    }
    return 0
}

@_cdecl("FuzzHTTP_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
