import ISPMonNotify
import Testing

@Suite struct DeliveryErrorTests {
    @Test func describesItselfByCodeAndDetail() {
        #expect(DeliveryError(code: "timeout", detail: "").description == "timeout")
        #expect(DeliveryError(code: "http-status", detail: "HTTP 500").description == "http-status: HTTP 500")
    }
}
