import ISPMonControl
import ISPMonNotify
import Synchronization

/// The settings page's test messages in `ispmon run`: the channels of the config as the last
/// reload left them, so that a channel added by a reload can be tried at once and a removed one
/// is a channel the config lacks (`404`). The reload's thread replaces it; the server's test
/// threads read it.
final class ReloadingChannelTester: NotificationTester {
    private let current: Mutex<ChannelTester>

    init(_ tester: ChannelTester) { current = Mutex(tester) }

    func replace(with tester: ChannelTester) { current.withLock { $0 = tester } }

    func sendTest(channel: String) -> NotificationTestOutcome {
        current.withLock { $0 }.sendTest(channel: channel)
    }
}
