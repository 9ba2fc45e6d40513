import ISPMonCore
import Foundation
import ISPMonServer
import Logging
import Synchronization

/// The level of the monitor's log lines, which a reload (SIGHUP) may change: every
/// handler made by ``handler(label:)`` reads it at each line.
final class SwitchableLogLevel: Sendable {
    let level: Mutex<Logger.Level>

    init(_ level: Logger.Level) { self.level = Mutex(level) }

    var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }

    /// A handler writing to standard error at this level, and to `ring` when given.
    func handler(label: String, ring: LogRing? = nil) -> some LogHandler {
        Handler(inner: StreamLogHandler.standardError(label: label), level: self, label: label, ring: ring)
    }

    struct Handler: LogHandler {
        var inner: StreamLogHandler
        let level: SwitchableLogLevel
        let label: String
        let ring: LogRing?

        var logLevel: Logger.Level {
            get { level.current }
            set { level.current = newValue }
        }
        var metadata: Logger.Metadata {
            get { inner.metadata }
            set { inner.metadata = newValue }
        }
        var metadataProvider: Logger.MetadataProvider? {
            get { inner.metadataProvider }
            set { inner.metadataProvider = newValue }
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { inner[metadataKey: key] }
            set { inner[metadataKey: key] = newValue }
        }
        func log(event: LogEvent) {
            inner.log(event: event)
            guard let ring else { return }
            var metadata = inner.metadata
            if let extra = event.metadata { metadata.merge(extra) { $1 } }
            ring.append(LogRing.Line(time: WallClock.system.microseconds, level: event.level, label: label,
                                     text: LogRing.text(event.message, metadata)))
        }
    }
}
