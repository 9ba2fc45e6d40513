@testable import ISPMonNotify
import ISPMonCore
import Testing

/// The channels' pure parts: addresses, names made safe, encoded headers.
@Suite struct ChannelShapeTests {
    @Test func receiverAddresses() {
        let broker = ReceiverAddress("mqtt://broker.lan:1883")
        #expect(broker?.scheme == "mqtt" && broker?.host == "broker.lan" && broker?.port == 1883)
        #expect(ReceiverAddress("mqtts://[2001:db8::1]/x")?.host == "2001:db8::1")
        #expect(ReceiverAddress("smtp://user@mail.example.net")?.port == nil)
        #expect(ReceiverAddress("mqtt://broker:99999") == nil)
        #expect(ReceiverAddress("broker.lan:1883") == nil)
    }

    @Test func loopbackHosts() {
        for h in ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"] { #expect(LoopbackHost.contains(h), "\(h)") }
        for h in ["127.example.net", "192.0.2.1", "mail.test", "::2", "localhost.example.net"] { #expect(!LoopbackHost.contains(h), "\(h)") }
    }

    @Test func messageIDsAreDotAtoms() {
        #expect(MailMessage.messageID(key: "c-20260301T120005Z/recovery", site: "home") == "c-20260301T120005Z.recovery@home.ispmon")
        #expect(MailMessage.messageID(key: "test/2026-12-07T07:40:19Z", site: "my.site") == "test.2026-12-07T07-40-19Z@my.site.ispmon")
    }

    @Test func headerValuesCannotInjectAndAreEncodedWhenNotASCII() {
        #expect(MailMessage.encodedWord("plain words") == "plain words")
        #expect(MailMessage.encodedWord("Down\r\nBcc: x@y") == "DownBcc: x@y")
        #expect(MailMessage.encodedWord("Störung") == "=?UTF-8?B?U3TDtnJ1bmc=?=")
        #expect(MailMessage.rfc5322Date(Timestamp(microseconds: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }

    @Test func appriseURLs() {
        #expect(AppriseChannel.notifyURL("http://apprise.lan:8000") == "http://apprise.lan:8000/notify")
        #expect(AppriseChannel.notifyURL("http://apprise.lan:8000/") == "http://apprise.lan:8000/notify")
        #expect(AppriseChannel.notifyURL("http://apprise.lan:8000/notify/ispmon") == "http://apprise.lan:8000/notify/ispmon")
        #expect(AppriseChannel.notifyURL("https://a.example.net/apprise/notify") == "https://a.example.net/apprise/notify")
    }

    @Test func formEncoding() {
        #expect(String(decoding: FormEncoding.encode([("To", "+1555"), ("Body", "a b&c=d\nü")]), as: UTF8.self)
                == "To=%2B1555&Body=a%20b%26c%3Dd%0A%C3%BC")
    }

    @Test func hmacOfAKnownVector() {
        // RFC 4231, test case 2.
        #expect(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
