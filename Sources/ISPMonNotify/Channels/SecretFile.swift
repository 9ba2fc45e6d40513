#if canImport(Glibc)
import Glibc
#endif

/// A secret read from its `*_file` (docs/config.md): the file's bytes without the line break at
/// the end (editors add one). An error names the channel, the key and the file, never the secret.
enum SecretFile {
    static func read(_ path: String, key: String, channel: String) throws(ChannelSetupError) -> [UInt8] {
        func fail(_ why: String) -> ChannelSetupError {
            ChannelSetupError(channel: channel, message: "\(key) \(path): \(why)")
        }
        guard let file = fopen(path, "rb") else { throw fail(String(cString: strerror(errno))) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes += buffer.prefix(n) }
            if n < buffer.count {
                if ferror(file) != 0 { throw fail("cannot be read (\(String(cString: strerror(errno))))") }
                break
            }
            if bytes.count > 65_536 { throw fail("is larger than 64 KiB: not a secret") }
        }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty else { throw fail("is empty") }
        return bytes
    }

    static func text(_ path: String, key: String, channel: String) throws(ChannelSetupError) -> String {
        let bytes = try read(path, key: key, channel: channel)
        guard let s = String(validating: bytes, as: UTF8.self), !s.contains("\n"), !s.contains("\r"), !s.contains("\0") else {
            throw ChannelSetupError(channel: channel, message: "\(key) \(path): is not one line of text")
        }
        return s
    }
}

/// A channel that cannot be made: its name and why (a secret file missing, empty or unreadable,
/// a setting its kind needs). The `notify` event's code for it is `secret` or `config`.
public struct ChannelSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var channel: String
    public var message: String
    public var code = "secret"

    public init(channel: String, message: String, code: String = "secret") {
        self.channel = channel
        self.message = message
        self.code = code
    }

    public var description: String { "notify channel '\(channel)': \(message)" }

    /// The same, as an attempt's failure.
    public var deliveryError: DeliveryError { DeliveryError(code: code, detail: description) }
}
