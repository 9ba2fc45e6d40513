import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one way the long-running commands (`run`, `serve`) hear of signals: SIGINT and SIGTERM
/// end them cleanly, SIGHUP (when the command reloads) runs `reload`, one at a time, on a queue
/// of its own. Made before anything starts, so that a signal that comes early is not lost;
/// ``wait()`` returns at the first SIGINT or SIGTERM.
final class StopSignals {
    let stop = DispatchSemaphore(value: 0)
    let sources: [any DispatchSourceSignal]

    init(reload: (@Sendable () -> Void)? = nil) {
        var signals = [SIGINT, SIGTERM]
        if reload != nil { signals.append(SIGHUP) }
        // A parent may have left them blocked (children inherit the signal mask).
        var mask = sigset_t()
        sigemptyset(&mask)
        for sig in signals { sigaddset(&mask, sig) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        let reloads = DispatchQueue(label: "ispmon.reload")
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            // Dispatch hears of it; the default action (ending the process) must not.
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: sig == SIGHUP ? reloads : .global())
            if sig == SIGHUP, let reload {
                source.setEventHandler { reload() }
            } else {
                source.setEventHandler { [stop] in stop.signal() }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Until SIGINT or SIGTERM.
    func wait() {
        stop.wait()
        sources.forEach { $0.cancel() }
    }
}
