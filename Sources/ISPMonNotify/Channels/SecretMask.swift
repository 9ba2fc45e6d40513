import ISPMonConfig

/// The secrets of one channel, the contents of its `*_file`s, to take out of what a test says
/// before anyone sees it. The channels' own words name no secret, and the config refuses URLs with
/// a user and password (secrets live in files only); but a receiver's answer (its body, clipped)
/// could still carry one back (an echo service, a proxy's error page), and a test's outcome is
/// shown on a page.
struct SecretMask {
    static let mask = "•••"
    /// Shorter ones are not masked: a one-letter "secret" would mask every such letter of the
    /// text and tell more by the gaps than it hides.
    static let shortest = 4

    let secrets: [String]

    init(_ c: MonitorConfig.NotifyChannel) {
        var found: [String] = []
        for case let file? in [c.secretFile, c.passwordFile, c.tokenFile] {
            // Unreadable: the channel cannot be made either, and the error names the file only.
            if let bytes = try? SecretFile.read(file, key: "", channel: c.name) {
                found.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        // The longest first: a secret that contains another is masked whole.
        secrets = found.filter { $0.count >= Self.shortest }.sorted { $0.count > $1.count }
    }

    func applied(to text: String) -> String {
        secrets.reduce(text) { $0.replacing($1, with: Self.mask) }
    }
}
