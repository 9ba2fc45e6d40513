import ISPMonNotify
import Synchronization

/// The notifier of `ispmon run`, once there is one: made at the start when the config asks for
/// notifications, or by the first reload that does. The reload's thread sets it; the main thread
/// (stop) and the web server (the settings page's never-tried notifications) read it.
final class RunningNotifier: Sendable {
    private let slot: Mutex<Notifier?>

    init(_ notifier: Notifier?) { slot = Mutex(notifier) }

    var current: Notifier? { slot.withLock { $0 } }

    func set(_ notifier: Notifier?) { slot.withLock { $0 = notifier } }
}
