import ISPMonCore
import Testing

/// The writer's fast paths (runs copied whole, digits written in place) give the bytes the plain
/// definitions give: every escape, every sign and width.
@Suite struct JSONWriterTests {
    func written(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func stringsEscapeQuotesBackslashesAndControlsAndCopyTheRest() {
        #expect(written { JSONWriter.appendString("", to: &$0) } == #""""#)
        #expect(written { JSONWriter.appendString("plain é ✓", to: &$0) } == #""plain é ✓""#)
        #expect(written { JSONWriter.appendString("a\"b\\c\nd\re\tf\u{1}g\u{1f}", to: &$0) } == #""a\"b\\c\nd\re\tf\u0001g\u001f""#)
        #expect(written { JSONWriter.appendString("\"\"", to: &$0) } == #""\"\"""#)
        // A bridged or substring-made string is copied the same.
        let tail = String("xx\u{7f}y\"".dropFirst(2))
        #expect(written { JSONWriter.appendString(tail, to: &$0) } == "\"\u{7f}y\\\"\"")
    }

    @Test func numbersAreTheirDecimalDigits() {
        for v: Int64 in [0, 7, -7, 10, 99, 100, -1_000_000, .max, .min] {
            #expect(written { JSONWriter.appendInt(v, to: &$0) } == String(v))
        }
        for v: UInt64 in [0, 9, 10, 12_345_678_901, .max] {
            #expect(written { JSONWriter.appendDecimal(v, to: &$0) } == String(v))
        }
        #expect(written { JSONWriter.appendMilliseconds(412, to: &$0) } == "0.412")
        #expect(written { JSONWriter.appendMilliseconds(-12_340, to: &$0) } == "-12.34")
        #expect(written { JSONWriter.appendMilliseconds(5_000_000, to: &$0) } == "5000")
    }

    @Test func timesAreRFC3339WithMicrosecondsBeforeAndAfter1970() {
        func rfc(_ us: Int64) -> String { written { Timestamp(microseconds: us).appendRFC3339(to: &$0) } }
        #expect(rfc(0) == "1970-01-01T00:00:00.000000Z")
        #expect(rfc(1_772_323_205_000_123) == "2026-03-01T00:00:05.000123Z")
        #expect(rfc(-1) == "1969-12-31T23:59:59.999999Z")
        #expect(rfc(253_402_300_799_999_999) == "9999-12-31T23:59:59.999999Z")
    }
}
