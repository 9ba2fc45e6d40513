import FuzzSupport
import ISPMonQuery

// The form-body reader of the web server's sign-in and CSRF check (and of the pages' query
// strings), on any bytes: it never crashes, every field it keeps encodes back to itself (a
// decoded name and value read again from their own encoding), and its fields are the first of
// its pairs for each name. Each value is also read as the report's `week=` and `month=` (an ISO
// week, a month): never a crash, and a period it accepts is one of that length whose label is
// the value itself.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.input(data, size), as: UTF8.self)
    let form = URLEncodedFields(text)
    for (name, value) in form.fields {
        let encoded = encode(name) + "=" + encode(value)
        Fuzz.require(URLEncodedFields(encoded)[name] == value, "\(name)=\(value) does not read back from \(encoded)")
        Fuzz.require(form.pairs.first { $0.name == name }?.value == value, "\(name): the field is not its first pair")
    }
    Fuzz.require(Set(form.pairs.map(\.name)).count == form.fields.count, "a pair's name without its field")
    let day: Int64 = 86_400_000_000
    for value in form.fields.values + [text] {
        if let week = CalendarPeriods.period(.week, labelled: value, zone: .utc) {
            Fuzz.require(week.label == value && week.end - week.start == 7 * day, "week \(value): \(week)")
        }
        if let month = CalendarPeriods.period(.month, labelled: value, zone: .utc) {
            Fuzz.require(month.label == value && (28 * day...31 * day).contains(month.end - month.start), "month \(value): \(month)")
        }
    }
    return 0
}

func encode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        let c = Character(Unicode.Scalar(b))
        if b < 0x80 && (c.isLetter || c.isNumber) {
            out.append(c)
        } else {
            let hex = Array("0123456789ABCDEF")
            out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
        }
    }
    return out
}

@_cdecl("FuzzForm_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzz.runDriver(argc, argv, fuzz)
}
