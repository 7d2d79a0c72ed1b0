import ExactJSON
import Foundation
import Testing

/// The jsonb reader's fast paths: short numbers built from their digits
/// instead of `Decimal(string:)`, strings without escapes taken straight from
/// the bytes. Each must give what the general path gives.
@Suite struct JSONReaderTests {
    @Test(arguments: [
        "0", "3", "-3", "-0", "19.99", "0.5", "-0.05", "10.50", "123456789012345678", "1234567890123456789",
        "12345678901234567890.123", "1e3", "2.5E-2", "-1.25e2", "0.000001",
    ])
    func numbersReadExactly(_ text: String) throws {
        let parsed = try JSONValue.object(parsing: "{\"n\": \(text)}")["n"]
        let expected = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
        #expect(parsed == .number(expected), "\(text)")
        #expect(parsed?.description == expected.description, "\(text) is written back as its value")
    }

    @Test func stringsWithAndWithoutEscapes() throws {
        let object = try JSONValue.object(
            parsing:
                #"{"plain": "Shirt Red", "quote": "a \"b\" c", "slash": "x\\y", "unicode": "caf\u00e9 \ud83d\ude00", "raw": "naïve ☕", "": ""}"#
        )
        #expect(object["plain"] == .string("Shirt Red"))
        #expect(object["quote"] == .string(#"a "b" c"#))
        #expect(object["slash"] == .string(#"x\y"#))
        #expect(object["unicode"] == .string("café 😀"))
        #expect(object["raw"] == .string("naïve ☕"))
        #expect(object[""] == .string(""))
        #expect(try JSONValue.object(parsing: JSONValue.object(object).description) == object, "written and read back")
    }
}
