#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The fuzz targets' seed generator: a fuzz binary cannot have a `main` of its own
/// (libFuzzer's is linked in), so a chunk target started with `ISPMON_FUZZ_WRITE_SEEDS=DIR`
/// writes the real encoder's seed chunks into DIR from `LLVMFuzzerInitialize` and exits.
public enum SeedWriter {
    public static func writeIfAsked(_ seeds: () -> [(name: String, bytes: [UInt8])]) {
        guard let dir = getenv("ISPMON_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return }
        for (name, bytes) in seeds() {
            let path = dir + "/" + name
            guard let f = fopen(path, "wb") else { fatalError("cannot write \(path)") }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
            print("wrote \(path) (\(bytes.count) bytes)")
        }
        exit(0)
    }
}
