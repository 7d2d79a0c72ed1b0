import Foundation
import MarketplaceSim
import TestSupport
import Testing

/// The simulator's fast JSON reader agrees with JSONDecoder and keeps numbers exact.
@Suite("Simulator JSON parser")
struct JSONValueParserTests {
    @Test func agreesWithJSONDecoderOnAmazonsExamples() throws {
        for file in [
            "listings-feed-schema-v2.example.json", "listings-feed-processing-report-schema-v2.example.json",
            "listings-feed-schema-v2.json",
        ] {
            let data = try Data(contentsOf: OfficialSchema.directory.appendingPathComponent(file))
            #expect(try JSONValue.parse(data) == JSONDecoder().decode(JSONValue.self, from: data), "\(file)")
        }
    }

    @Test func numbersStayExactAndEscapesDecode() throws {
        let value = try JSONValue.parse(
            Data(#" {"p": 19.99, "n": -1e2, "z": 0, "s": "a\"b\\c\u00e9\ud83d\ude00\n", "t": [true, false, null]} "#.utf8))
        #expect(value["p"]?.decimalValue == Decimal(string: "19.99"))
        #expect(value["n"]?.decimalValue == -100)
        #expect(value["z"]?.intValue == 0)
        #expect(value["s"]?.stringValue == "a\"b\\cé😀\n")
        #expect(value["t"] == .array([.bool(true), .bool(false), .null]))
    }

    @Test func malformedInputIsRefused() {
        for text in ["", "{", "{\"a\" 1}", "[1,]", "{\"a\": tru}", "\"open", "{} x", "-", "[1 2]"] {
            #expect(throws: (any Error).self, "\(text)") { try JSONValue.parse(Data(text.utf8)) }
        }
    }
}
