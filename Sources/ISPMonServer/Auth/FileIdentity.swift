#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#if canImport(CNIOLinux)
// Where NIO is built, `struct stat`'s fields come from its C module (it defines _GNU_SOURCE).
import CNIOLinux
#endif

/// A file's identity: a change of inode (rename), size or modification time means another read.
/// One stat(2): it is asked of four files at every request (FileManager's attributes cost a
/// dozen system calls each, user and group names included).
struct FileIdentity: Sendable, Equatable {
    var inode: UInt64 = 0
    var size: Int64 = -1
    var mtimeSeconds: Int = 0
    var mtimeNanoseconds: Int = 0

    init(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        mtimeSeconds = Int(st.st_mtim.tv_sec)
        mtimeNanoseconds = Int(st.st_mtim.tv_nsec)
    }
}
