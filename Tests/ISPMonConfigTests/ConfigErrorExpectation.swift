import ISPMonConfig
import Testing

/// A bad config is one `ConfigError` that names the file and the line, with `message` in its
/// words: what every bad-input table of these tests checks.
func expectOneConfigError(_ text: String, line: Int, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sourceLocation: sourceLocation) {
        _ = try MonitorConfig.parse(text, file: "/etc/ispmon.yaml")
    } throws: { error in
        guard let e = error as? ConfigError else { return false }
        let ok = e.file == "/etc/ispmon.yaml" && e.line == line && e.message.contains(message)
        if !ok { Issue.record("got \(e)", sourceLocation: sourceLocation) }
        return ok
    }
}
