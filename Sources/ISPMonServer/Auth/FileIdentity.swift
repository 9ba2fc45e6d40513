import Foundation

/// A file's identity: a change of inode (rename), size or modification time means another read.
struct FileIdentity: Sendable, Equatable {
    var inode: UInt64 = 0
    var size: Int64 = -1
    var mtime: Double = 0

    init(path: String) {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        inode = (a[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        size = (a[.size] as? NSNumber)?.int64Value ?? 0
        mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }
}
