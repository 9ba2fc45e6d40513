import Foundation

/// The config file the monitor runs, as the settings page shows it: its path and its text
/// with anything secret-looking masked. Secrets belong in `*_file`s (docs/config.md), whose
/// paths are no secret; what is masked is what a person might still have typed in: the
/// password of a URL (`postgresql://user:pw@host`), and the value of a key named like a secret.
public struct ShownConfig: Sendable, Equatable {
    public var path: String?
    public var text: String

    /// `path` nil: no file, the config detected at start (shown as "no config file").
    public init(path: String?, text: String) {
        self.path = path
        self.text = ShownConfig.masked(text)
    }

    static let mask = "•••"
    static let secretKeys = ["password", "secret", "token", "api_key", "apikey", "passphrase"]

    static func masked(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { maskedLine(String($0)) }.joined(separator: "\n")
    }

    static func maskedLine(_ line: String) -> String {
        var line = maskedUserInfo(line)
        // `key: value` where the key names a secret (not `password_file`: that is a path).
        let trimmed = line.drop { $0 == " " || $0 == "-" }
        if let colon = trimmed.firstIndex(of: ":") {
            let key = trimmed[..<colon].lowercased()
            if secretKeys.contains(key), !trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces).isEmpty {
                line = String(line[..<colon]) + ": " + mask
            }
        }
        return line
    }

    /// `scheme://user:password@host` → `scheme://user:•••@host`, every such URL in the line.
    static func maskedUserInfo(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "#" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out += authority[...colon] + mask + authority[at...]
            } else {
                out += authority
            }
            rest = rest[authorityEnd...]
        }
        return out + rest
    }
}
