/// libFuzzer's input as a buffer, and how a target reports a finding.
public enum Fuzz {
    /// The `size` bytes at `data` (libFuzzer passes a null pointer for the empty input).
    public static func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
        guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: data, count: size)
    }

    /// A broken promise of the code under test: stops the run so that libFuzzer keeps the input.
    /// (A trap is what the fuzzer looks for; a parser's thrown error is the good outcome.)
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz check failed: \(message())") }
    }
}
