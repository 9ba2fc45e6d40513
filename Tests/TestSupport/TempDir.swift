import Foundation

/// A fresh directory under the system temp folder, for one test; `cleanup()` removes it.
public struct TempDir: Sendable {
    public let path: String

    public init() {
        var template = Array((NSTemporaryDirectory() + "ispmon-test.XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = p.map { String(cString: $0) } ?? NSTemporaryDirectory() + "ispmon-test-\(UUID())"
    }

    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }
}
