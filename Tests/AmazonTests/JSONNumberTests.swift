import Amazon
import Foundation
import Testing

/// The jsonb reader builds short numbers from their digits instead of
/// `Decimal(string:)`; both paths must give the same exact value and text.
@Suite struct JSONNumberTests {
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

}
