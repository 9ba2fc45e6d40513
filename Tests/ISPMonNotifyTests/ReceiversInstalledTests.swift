import Foundation
import Testing

/// The receivers the channel suites run against are there: tools/test installs them (aiosmtpd
/// from PyPI for the python3 first on PATH, mosquitto and its clients and openssl from Debian).
/// Without one, those suites are skipped, and a skip must not pass for a test run: this fails.
@Suite struct ReceiversInstalledTests {
    @Test func everyReceiverTheChannelTestsNeedIsInstalled() {
        #expect(ReceiverProcess.pythonHas("aiosmtpd"), "python3 (\(ReceiverProcess.tool("python3") ?? "none")) cannot import aiosmtpd: EmailChannelTests and ReportEmailTests were skipped (tools/test installs it with pip)")
        for tool in ["openssl", "mosquitto", "mosquitto_sub", "mosquitto_passwd", "python3"] {
            #expect(ReceiverProcess.tool(tool) != nil, "\(tool) is not installed: the suites that need it were skipped (tools/test installs it)")
        }
    }
}
