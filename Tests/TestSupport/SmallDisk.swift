import Foundation

/// A small tmpfs, to fill a disk for real: mounted in a temporary directory, grown,
/// filled with a file, unmounted. Needs root (tests check `SmallDisk.available`).
public final class SmallDisk: Sendable {
    public let dir: TempDir
    public var path: String { dir.file("disk") }

    public static var available: Bool { getuid() == 0 }

    /// Mounts a tmpfs of `size` (`700k`, `1m`), or nil when it cannot be mounted here.
    public init?(size: String) {
        dir = TempDir()
        try? FileManager.default.createDirectory(atPath: dir.file("disk"), withIntermediateDirectories: true)
        guard SmallDisk.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir.file("disk")]) == 0 else {
            dir.cleanup()
            return nil
        }
    }

    /// Gives the file system `size` in all (what freeing space on a real disk does).
    public func grow(to size: String) -> Bool {
        SmallDisk.run("/bin/mount", ["-o", "remount,size=\(size)", path]) == 0
    }

    /// Writes a file until the disk is full.
    public func fill() {
        guard let f = fopen(path + "/filler", "w") else { return }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        while fwrite(block, 1, block.count, f) == block.count {}
        fclose(f)
    }

    public func unmount() {
        _ = SmallDisk.run("/bin/umount", [path])
        dir.cleanup()
    }

    @discardableResult
    public static func run(_ tool: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
