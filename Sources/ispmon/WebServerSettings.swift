import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonMonitor
import ISPMonConfig
import ISPMonServer

extension WebSettings {
    /// The server's settings for `ispmon run` and `ispmon serve`: the config's `web:` and the
    /// listen address, and `ISPMON_WEB_REQUEST_TIMEOUT_MS` (milliseconds a client has for a
    /// whole request, in place of `web.request_timeout`) and `ISPMON_WEB_WRITE_TIMEOUT_MS`
    /// (milliseconds an answer waits for a client that reads nothing, in place of
    /// `web.write_timeout`), and `ISPMON_WEB_CLOCK` (an RFC 3339 time: the server's wall clock
    /// starts there and runs on, for `since=24h`, sessions and freshness). Those variables are
    /// for tests, which need deadlines below the config's least (a second) so as not to wait for
    /// each slow client, or a log of today.
    static func forCommand(_ config: MonitorConfig, listen: MonitorConfig.Web.Listen) throws -> WebSettings {
        var settings = WebSettings(config.web, listen: listen)
        settings.site = config.siteName
        settings.plan = config.plan
        settings.notifyChannels = config.notify
        settings.staleAfter = config.targets.map(\.interval).max().map { 3 * $0 }
        if let ms = try milliseconds("ISPMON_WEB_REQUEST_TIMEOUT_MS") { settings.limits.requestTimeout = .milliseconds(ms) }
        if let ms = try milliseconds("ISPMON_WEB_WRITE_TIMEOUT_MS") { settings.limits.writeTimeout = .milliseconds(ms) }
        if let text = ProcessInfo.processInfo.environment["ISPMON_WEB_CLOCK"] {
            var reason = ""
            guard let start = Timestamp.parse(rfc3339: Array(text.utf8), reason: &reason) else {
                throw ValidationError("ISPMON_WEB_CLOCK '\(text)' is not an RFC 3339 time: \(reason)")
            }
            // The set time plus what the monotonic clock has run since: it goes on like a clock.
            let offset = start.microseconds - Monotonic.microseconds()
            settings.clock = WallClock { Timestamp(microseconds: Monotonic.microseconds() + offset) }
        }
        return settings
    }

    /// The positive number of milliseconds the environment variable `name` holds, nil when unset.
    private static func milliseconds(_ name: String) throws -> Int64? {
        guard let text = ProcessInfo.processInfo.environment[name] else { return nil }
        guard let ms = Int64(text), ms > 0 else {
            throw ValidationError("\(name) '\(text)' is not a positive number of milliseconds")
        }
        return ms
    }
}
