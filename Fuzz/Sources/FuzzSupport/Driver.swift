import CLibFuzzer

extension Fuzz {
    /// A fuzz target's `main`: hands over to libFuzzer's driver with the target's callback.
    ///
    /// SwiftPM links an executable target with `main` defined as `<Target>_main` (so that tests
    /// can import executables), and a fuzz target has no top-level code to provide it: each
    /// target defines `<Target>_main` with `@_cdecl` and calls this.
    public static func runDriver(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt {
        var argc = argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&argc, &argv, callback)
    }
}
