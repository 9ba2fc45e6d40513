import FuzzSupport
import ISPMonCore
import ISPMonConfig

// The YAML config parser (Yams, then every key checked): any text gives a config or one
// ConfigError naming the file (and the line, when there is one), never a trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.input(data, size), as: UTF8.self)
    do {
        let config = try MonitorConfig.parse(text, file: "fuzz.yaml")
        for t in config.targets {
            Fuzz.require(EventJSON.isValidName(t.name), "accepted a bad target name \(t.name)")
            Fuzz.require(t.interval > 0 && t.timeout > 0, "accepted a non-positive interval or timeout")
        }
    } catch {
        Fuzz.require(error.file == "fuzz.yaml" && !error.message.isEmpty, "an error without file or message: \(error)")
    }
    return 0
}

@_cdecl("FuzzConfig_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
