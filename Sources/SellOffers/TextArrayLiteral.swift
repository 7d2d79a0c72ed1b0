import Postgres

/// A `text[]` parameter built over UTF-8 bytes. The generic array binding
/// walks every `Character` (grapheme breaking) to escape it; the canonical
/// JSON texts a batch sends are 100 × ~150 bytes full of quotes, where a
/// byte scan is several times cheaper. Same literal: every element quoted,
/// `"` and `\` escaped.
struct TextArrayLiteral: PostgresBindable {
    let postgresText: String?

    init(_ values: [String]) {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 4 })
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        postgresText = String(decoding: bytes, as: UTF8.self)
    }
}
