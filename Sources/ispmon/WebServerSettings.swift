import ArgumentParser
import Foundation
import ISPMonMonitor
import ISPMonConfig
import ISPMonServer

extension WebSettings {
    /// The server's settings for `ispmon run` and `ispmon serve`: the config's `web:` and the
    /// listen address, and `ISPMON_WEB_HEAD_TIMEOUT_MS` (milliseconds a client has for a
    /// request head, default 10 000). That variable is for tests, which would otherwise wait
    /// ten seconds for each slow client; it is no config key, as nobody needs to change it.
    static func forCommand(_ config: MonitorConfig, listen: MonitorConfig.Web.Listen) throws -> WebSettings {
        var settings = WebSettings(config.web, listen: listen)
        settings.site = config.siteName
        settings.plan = config.plan
        settings.staleAfter = config.targets.map(\.interval).max().map { 3 * $0 }
        if let text = ProcessInfo.processInfo.environment["ISPMON_WEB_HEAD_TIMEOUT_MS"] {
            guard let ms = Int64(text), ms > 0 else {
                throw ValidationError("ISPMON_WEB_HEAD_TIMEOUT_MS '\(text)' is not a positive number of milliseconds")
            }
            settings.limits.headTimeout = .milliseconds(ms)
        }
        return settings
    }
}
