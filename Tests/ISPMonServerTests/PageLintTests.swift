import Foundation
import Testing

/// The pages' script and stylesheet pass their linters: ESLint's recommended rules for app.js
/// (Debian's eslint), and no parse error in app.css (tinycss2, Debian's python3-tinycss2; there is
/// no CSS linter in Debian). tools/test installs both; as root their absence is a failure.
@Suite struct PageLintTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let assets = PageFilesTests.pages.appendingPathComponent("Static").path
    static let eslint = "/usr/bin/eslint"
    /// Debian's python, where python3-tinycss2 is (a `python3` earlier on PATH may not have it).
    static let python = "/usr/bin/python3"

    static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Debian's eslint finds its modules there; a node from elsewhere would not look.
        p.environment = ProcessInfo.processInfo.environment.merging(["NODE_PATH": "/usr/share/nodejs"]) { $1 }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: getuid() == 0 || FileManager.default.isExecutableFile(atPath: eslint),
                   "needs eslint (Debian package eslint; tools/test installs it as root)"))
    func theScriptPassesESLint() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.eslint) else {
            Issue.record("eslint is missing: install the Debian package eslint (tools/test does)")
            return
        }
        let config = Self.here.appendingPathComponent("Lint/eslintrc.json").path
        // ESLint wants the file's path relative to where it runs.
        let clean = try Self.run(Self.eslint, ["--no-eslintrc", "-c", config, "-f", "compact", "app.js"], in: Self.assets)
        #expect(clean.status == 0 && clean.output.isEmpty, "eslint app.js: \(clean.output)")
        // And it does find problems: a script with a syntax error and an undefined name.
        let dir = NSTemporaryDirectory() + "ispmon-eslint-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "undefinedFunction();\n".write(toFile: dir + "/bad.js", atomically: true, encoding: .utf8)
        let bad = try Self.run(Self.eslint, ["--no-eslintrc", "-c", config, "-f", "compact", "bad.js"], in: dir)
        #expect(bad.status == 1 && bad.output.contains("'undefinedFunction' is not defined"), "\(bad.output)")
    }

    @Test(.enabled(if: getuid() == 0 || FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/tinycss2"),
                   "needs python3-tinycss2 (Debian; tools/test installs it as root)"))
    func theStylesheetParsesWithoutAnError() throws {
        let script = Self.here.appendingPathComponent("Lint/css_parse_errors.py").path
        let clean = try Self.run(Self.python, [script, "app.css"], in: Self.assets)
        #expect(clean.status == 0 && clean.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "app.css: \(clean.output)")
        let dir = NSTemporaryDirectory() + "ispmon-css-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a { color: red; 12px }\n@media (max-width: 1px) { b { : x } }\n".write(toFile: dir + "/bad.css", atomically: true, encoding: .utf8)
        let bad = try Self.run(Self.python, [script, "bad.css"], in: dir)
        #expect(bad.status == 1 && bad.output.split(separator: "\n").count == 2, "both errors, the one inside @media too: \(bad.output)")
    }
}
