import Hummingbird
import ISPMonCore
import NIOCore

/// The one reader of the API's JSON request bodies: a JSON object (RFC 8259, strictly: no
/// duplicate key, booleans apart from numbers, valid UTF-8), of the named fields only, each of
/// its type. Every refusal is a `400` naming the field, or the body's expected shape.
struct JSONBody {
    let members: [String: JSONValue]

    /// `fields`: the fields it may have; `shape`: the body in words for the error
    /// (`{"text": "…"}`).
    init(_ body: ByteBuffer, fields: Set<String>, shape: String) throws(APIError) {
        let parsed: JSONValue
        do { parsed = try body.readableBytesView.withContiguousStorageIfAvailable { try JSONParser.parse(UnsafeRawBufferPointer($0)) }
                ?? Array(body.readableBytesView).withUnsafeBytes { try JSONParser.parse($0) } } catch {
            throw APIError(.badRequest, "the body must be a JSON object: \(shape) (\(error))")
        }
        guard case .object(let list) = parsed else { throw APIError(.badRequest, "the body must be a JSON object: \(shape)") }
        if let extra = list.map(\.0).sorted().first(where: { !fields.contains($0) }) { throw APIError.badParameter(extra, "unknown field") }
        members = Dictionary(list, uniquingKeysWith: { first, _ in first })  // the parser refuses duplicates
    }

    /// The body as it comes, of at most ``WebServer/maxBody`` bytes.
    static func of(_ request: Request, fields: Set<String>, shape: String) async throws -> JSONBody {
        try JSONBody(try await request.body.collect(upTo: WebServer.maxBody), fields: fields, shape: shape)
    }

    /// A string field; nil when absent (or null).
    func string(_ name: String) throws(APIError) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw APIError.badParameter(name, "must be a string")
        }
    }

    /// A whole-number field; nil when absent (or null).
    func integer(_ name: String) throws(APIError) -> Int? {
        switch members[name] {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let n = Int(text) else { throw APIError.badParameter(name, "must be a whole number") }
            return n
        default: throw APIError.badParameter(name, "must be a whole number")
        }
    }

    /// A string field that must be there.
    func requiredString(_ name: String) throws(APIError) -> String {
        guard let s = try string(name) else { throw APIError.badParameter(name, "is required, a string") }
        return s
    }
}
