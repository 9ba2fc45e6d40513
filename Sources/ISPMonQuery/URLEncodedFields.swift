import Foundation

/// The fields of an `application/x-www-form-urlencoded` body (what an HTML form posts: the
/// sign-in's password, a change's CSRF token). Foreign bytes: anything is read without a
/// crash; a name that does not decode is skipped, a value that does not decode is empty, and
/// a repeated name keeps its first value.
public struct URLEncodedFields: Sendable {
    public private(set) var fields: [String: String] = [:]
    /// Every field in order, repeated names included (a page's query string, where a name given
    /// twice is an error to say).
    public private(set) var pairs: [(name: String, value: String)] = []

    public init(_ text: String) {
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = kv.first, let name = URLEncodedFields.decode(first) else { continue }
            let value = kv.count > 1 ? URLEncodedFields.decode(kv[1]) ?? "" : ""
            pairs.append((name, value))
            if fields[name] == nil { fields[name] = value }
        }
    }

    public subscript(_ name: String) -> String? { fields[name] }

    static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
