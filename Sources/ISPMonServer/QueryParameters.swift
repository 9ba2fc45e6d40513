import Foundation
import Hummingbird
import ISPMonCore
import ISPMonQuery

/// A request's query parameters, checked: only the names a route takes, each at most once,
/// each value parsed or the request is a 400 naming it.
struct QueryParameters {
    var values: [String: String] = [:]

    init(_ request: Request, allowed: Set<String>) throws(APIError) {
        for (name, value) in request.uri.queryParameters {
            let n = String(name)
            guard allowed.contains(n) else {
                throw APIError.badParameter(n, "unknown parameter (this route takes: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard values[n] == nil else { throw APIError.badParameter(n, "given more than once") }
            values[n] = String(value)
        }
    }

    /// A page's parameters, which its forms send (`method="get"`): decoded as a form's
    /// (`application/x-www-form-urlencoded`: `+` is a space, which the API's reading leaves a
    /// `+`), and a field left empty is one not given (a form sends every field, filled or not).
    /// Otherwise as strict as the API's: only the names the page takes, each at most once.
    init(page request: Request, allowed: Set<String>) throws(APIError) {
        // The forms' own reading (URLEncodedFields, fuzzed): `+` is a space.
        for (name, value) in URLEncodedFields(request.uri.query ?? "").pairs {
            guard allowed.contains(name) else {
                throw APIError.badParameter(name, "unknown parameter (this route takes: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard !value.isEmpty else { continue }
            guard values[name] == nil else { throw APIError.badParameter(name, "given more than once") }
            values[name] = value
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A time as `--since` takes it: RFC 3339, or a span back from now (`24h`, `7d`).
    func time(_ name: String, now: Timestamp) throws(APIError) -> Int64? {
        guard let text = values[name] else { return nil }
        guard let t = TimeArgument.parse(text, now: now) else {
            throw APIError.badParameter(name, "'\(text)' is not an RFC 3339 time or a span like 90m, 24h, 7d")
        }
        return t.microseconds
    }

    func window(now: Timestamp) throws(APIError) -> TimeWindow {
        let w = TimeWindow(since: try time("since", now: now), until: try time("until", now: now))
        if let s = w.since, let u = w.until, s > u { throw APIError.badParameter("since", "is after until") }
        return w
    }

    func integer(_ name: String) throws(APIError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let v = Int(text) else { throw APIError.badParameter(name, "'\(text)' is not a whole number") }
        return v
    }

    func sequenceNumber(_ name: String) throws(APIError) -> UInt64? {
        guard let text = values[name] else { return nil }
        guard let v = UInt64(text), v > 0 else { throw APIError.badParameter(name, "'\(text)' is not a sequence number (1, 2, 3 …)") }
        return v
    }

    func number(_ name: String) throws(APIError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let v = Double(text), v.isFinite, v >= 0 else { throw APIError.badParameter(name, "'\(text)' is not a number of seconds") }
        return v
    }

    /// `format=csv` rather than `json` (the default).
    func csv() throws(APIError) -> Bool { try choice("format", ["json": false, "csv": true]) ?? false }

    /// One of `choices`.
    func choice<T>(_ name: String, _ choices: [String: T]) throws(APIError) -> T? {
        guard let text = values[name] else { return nil }
        guard let v = choices[text] else {
            throw APIError.badParameter(name, "'\(text)' is not one of \(choices.keys.sorted().joined(separator: ", "))")
        }
        return v
    }
}
