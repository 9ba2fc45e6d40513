#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a file (or stdin) line by line with a fixed buffer, so memory does not
/// grow with the file. Lines longer than `maxLineBytes` are reported as such.
public final class LineReader {
    let fd: Int32
    let ownsFD: Bool
    var buffer: [UInt8]
    var start = 0
    var end = 0
    var eof = false
    public private(set) var lineNumber = 0
    public private(set) var bytesRead = 0
    public let maxLineBytes: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String, maxLineBytes: Int = 1 << 20) throws(Failure) {
        if path == "-" {
            fd = 0
            ownsFD = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
            ownsFD = true
        }
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: max(1 << 20, maxLineBytes * 2))
    }

    deinit { if ownsFD { close(fd) } }

    /// Total size of the file, when it is a regular file (for progress).
    public var fileSize: Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    public enum Line {
        case line(UnsafeRawBufferPointer)
        case tooLong
    }

    /// Calls `body` with each line (without `\n` or `\r\n`); the buffer is valid only during the call.
    public func forEachLine(_ body: (Int, Line) throws -> Void) throws {
        while true {
            // Find the next newline in the buffered bytes.
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
                lineNumber += 1
                var lineEnd = nl
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let s = start
                start = nl + 1
                if lineEnd - s > maxLineBytes {
                    try body(lineNumber, .tooLong)
                } else {
                    try buffer.withUnsafeBytes { try body(lineNumber, .line(UnsafeRawBufferPointer(rebasing: $0[s..<lineEnd]))) }
                }
                continue
            }
            if eof {
                if start < end {  // a last line without a newline
                    lineNumber += 1
                    let s = start
                    var lineEnd = end
                    if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    start = end
                    if lineEnd - s > maxLineBytes {
                        try body(lineNumber, .tooLong)
                    } else {
                        try buffer.withUnsafeBytes { try body(lineNumber, .line(UnsafeRawBufferPointer(rebasing: $0[s..<lineEnd]))) }
                    }
                }
                return
            }
            // Compact and refill.
            if start > 0 {
                buffer.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count {
                // A line longer than the buffer: skip to its end and report it.
                lineNumber += 1
                try skipRestOfLine()
                try body(lineNumber, .tooLong)
                continue
            }
            let n = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress! + end, b.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: String(cString: strerror(errno)))
            }
            if n == 0 { eof = true } else { end += n; bytesRead += n }
        }
    }

    func skipRestOfLine() throws {
        start = 0
        end = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress!, b.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: String(cString: strerror(errno)))
            }
            if n == 0 { eof = true; return }
            bytesRead += n
            if let nl = buffer[0..<n].firstIndex(of: 0x0A) {
                start = nl + 1
                end = n
                return
            }
        }
    }
}
