@testable import ISPMonServer
import Testing

/// Which peers may say a request came over HTTPS (`X-Forwarded-Proto`): the loopback
/// addresses only, in every form a socket reports them.
@Suite struct ReverseProxyTrustTests {
    @Test func onlyLoopbackPeersAreTheProxyOnThisMachine() {
        for a in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"] {
            #expect(ReverseProxy.isLoopback(a), "\(a)")
        }
        for a in ["192.0.2.5", "::ffff:192.0.2.5", "2001:db8::1", "::", "0.0.0.0", "::2", "128.0.0.1", "localhost", ""] {
            #expect(!ReverseProxy.isLoopback(a), "\(a)")
        }
    }
}
