import LMDB

/// A store's random id, made when it is created (older stores get one the first time they are
/// opened) and kept in its metadata: a copy of the store keeps it, a store made anew at the same
/// path gets another. What follows a store from outside (a shipper's "shipped through", a
/// notifier's receiver) keys its progress by it, so that a recreated store, whose sequence numbers
/// start again at 1, is never mistaken for the old one.
extension EventStore {
    static let identityKey = Array("id".utf8)

    /// 32 lower-case hex digits (128 random bits).
    public func identity() throws(StoreError) -> String {
        do {
            let stored: String? = try env.read { txn in
                try EventStore.identityKey.withUnsafeBytes { k in
                    try txn.get(meta, key: k).map { String(decoding: $0, as: UTF8.self) }
                }
            }
            guard let stored, EventStore.isIdentity(stored) else {
                throw StoreError(.damaged("its id in the metadata is missing or malformed"), path: directory)
            }
            return stored
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    /// Gives the store an id unless it has one: at creation, and once for a store made before
    /// stores had ids (a write of a few bytes, once in the store's life).
    static func ensureIdentity(env: Environment, meta: Database) throws {
        let present = try env.read { txn in try identityKey.withUnsafeBytes { k in try txn.get(meta, key: k) != nil } }
        guard !present else { return }
        try env.write { txn in
            try identityKey.withUnsafeBytes { k in
                // Another process may have given it one meanwhile: keep that.
                guard try txn.get(meta, key: k) == nil else { return }
                try Array(newIdentity().utf8).withUnsafeBytes { try txn.put(meta, key: k, value: $0) }
            }
        }
    }

    static func newIdentity() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<32).map { _ in digits[Int(generator.next() % 16)] }, as: UTF8.self)
    }

    static func isIdentity(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
