import FuzzSupport
import ISPMonCore

// The NDJSON event line parser, on each line of the input. Every line it accepts must come
// back the same through its export form (export then import gives the same events), and the
// accepted events of the input must survive the chunk codec (what `ispmon import` stores).

nonisolated(unsafe) let encoder = ChunkEncoder(level: 1)  // libFuzzer calls from one thread only
nonisolated(unsafe) let decoder = ChunkDecoder()  // the same

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.input(data, size)
    var events: [Event] = []
    var start = 0
    while start <= input.count {
        let end = input[start...].firstIndex(of: 0x0A) ?? input.count
        if let event = try? EventJSON.parse(line: UnsafeRawBufferPointer(rebasing: input[start..<end])) {
            let line = event.exportLine
            let again: Event
            do { again = try line.withUnsafeBytes { try EventJSON.parse(line: UnsafeRawBufferPointer(rebasing: $0.dropLast())) } } catch {
                fatalError("fuzz check failed: the export line \(String(decoding: line, as: UTF8.self)) does not import: \(error)")
            }
            Fuzz.require(again == event, "export then import changed \(String(decoding: line, as: UTF8.self))")
            Fuzz.require(again.exportLine == line, "export is not stable for \(String(decoding: line, as: UTF8.self))")
            events.append(event)
        }
        start = end + 1
    }
    guard !events.isEmpty else { return 0 }
    let blob = encoder.encode(events, firstSeq: 1)
    do {
        let stored = try blob.withUnsafeBytes { try decoder.decode($0) }.events()
        Fuzz.require(stored == events, "the chunk codec changed the events")
    } catch {
        fatalError("fuzz check failed: a chunk of valid events does not decode: \(error)")
    }
    return 0
}

@_cdecl("FuzzEventJSON_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
