extension AuthStore {
    public struct Session: Sendable, Equatable {
        public var digest: String
        public var created: Int64
        public var lastSeen: Int64
    }

    public struct Token: Sendable, Equatable {
        public var name: String
        public var readOnly: Bool
        public var digest: String
        public var created: Int64
    }

    /// What the sign-in files say: the admin's password as a bcrypt hash, the optional TOTP
    /// secret, the sessions and the API tokens (each session and token only as the SHA-256
    /// digest of its secret).
    struct Snapshot: Sendable, Equatable {
        var passwordHash: String?
        var totpSecret: String?
        var sessions: [String: Session] = [:]
        var tokens: [Token] = []
    }
}
