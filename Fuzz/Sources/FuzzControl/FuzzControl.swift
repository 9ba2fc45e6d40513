import FuzzSupport
import ISPMonControl

// The control socket's request parser (`job NAME STATE`) on any datagram: a request it
// accepts reads back the same from its canonical text, which is what the monitor is given.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let request: ControlRequest
    do { request = try ControlRequest.parse(Fuzz.input(data, size)) } catch {
        Fuzz.require(!error.reason.isEmpty, "an error without a reason")
        return 0
    }
    do {
        let again = try ControlRequest.parse(Array(request.text.utf8))
        Fuzz.require(again == request, "\(request.text) reads back as \(again.text)")
    } catch {
        fatalError("fuzz check failed: the canonical request \(request.text) does not parse: \(error)")
    }
    return 0
}

@_cdecl("FuzzControl_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
