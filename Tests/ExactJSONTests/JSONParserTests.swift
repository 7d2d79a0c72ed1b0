import ExactJSON
import Foundation
import TestSupport
import Testing

/// The parser agrees with JSONDecoder, keeps numbers exact, and refuses
/// malformed input with the byte offset that is wrong.
@Suite("JSON parser")
struct JSONParserTests {
    /// Amazon's official examples, read in place from `<repo>/../shared/amazon`.
    static var amazonDirectory: URL { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/amazon") }

    @Test func agreesWithJSONDecoderOnAmazonsExamples() throws {
        for file in [
            "listings-feed-schema-v2.example.json", "listings-feed-processing-report-schema-v2.example.json",
            "listings-feed-schema-v2.json",
        ] {
            let data = try Data(contentsOf: Self.amazonDirectory.appendingPathComponent(file))
            #expect(try JSONParser.parse(data) == JSONDecoder().decode(JSONValue.self, from: data), "\(file)")
        }
    }

    @Test func numbersStayExactAndEscapesDecode() throws {
        let value = try JSONParser.parse(
            Data(#" {"p": 19.99, "n": -1e2, "z": 0, "s": "a\"b\\c\u00e9\ud83d\ude00\n", "t": [true, false, null]} "#.utf8))
        #expect(value["p"]?.decimalValue == Decimal(string: "19.99"))
        #expect(value["n"]?.decimalValue == -100)
        #expect(value["z"]?.intValue == 0)
        #expect(value["s"]?.stringValue == "a\"b\\cé😀\n")
        #expect(value["t"] == .array([.bool(true), .bool(false), .null]))
    }

    @Test func decimalsAreNotRoundedThroughDouble() throws {
        let value = try JSONParser.parse(#"[0.1, 12345678901234567890.12, -0.000001]"#)
        #expect(value[0] == .number(Decimal(sign: .plus, exponent: -1, significand: 1)))
        #expect(value[0]?.description == "0.1")
        let large = try #require(value[1]?.decimalValue)
        #expect(large == Decimal(string: "12345678901234567890.12", locale: Locale(identifier: "en_US_POSIX")))
        #expect(large.description == "12345678901234567890.12")
        #expect(large != Decimal(12345678901234567890.12), "the Double nearest differs; the parser must not go through it")
        #expect(value[2]?.description == "-0.000001")
    }

    @Test func numericTextCountsAsNumberOnlyWhereAsked() throws {
        let value = try JSONParser.parse(#"{"amount": "19.99", "count": 3}"#)
        #expect(value["amount"]?.decimalValue == nil)
        #expect(value["amount"]?.numericValue == Decimal(string: "19.99", locale: Locale(identifier: "en_US_POSIX")))
        #expect(value["count"]?.numericValue == 3)
        #expect(value["count"]?.boolValue == nil)
    }

    @Test func nestingIsLimited() throws {
        let limit = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        var value = try JSONParser.parse(deepest)
        for _ in 1..<limit { value = try #require(value[0]) }
        #expect(value == .array([]))
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONParser.Failure(offset: limit, reason: "nesting too deep")) { try JSONParser.parse(tooDeep) }
    }

    @Test(arguments: [
        ("", 0, "unexpected end"),
        ("{", 1, "expected a key"),
        ("{\"a\" 1}", 5, "expected ':'"),
        ("[1,]", 3, "expected a JSON value"),
        ("{\"a\": tru}", 6, "unknown literal"),
        ("\"open", 5, "unterminated string"),
        ("{} x", 3, "trailing characters"),
        ("-", 1, "expected a digit"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("{\"a\": 1 \"b\"}", 8, "expected ',' or '}'"),
        ("01", 1, "trailing characters"),
        ("1.", 2, "expected a digit after '.'"),
        ("2e+", 3, "expected a digit in the exponent"),
        (".5", 0, "expected a JSON value"),
        ("\"a\\qb\"", 3, "bad escape"),
        ("\"\\u12g4\"", 5, "bad hex digit"),
        ("\"tab\there\"", 4, "control character in a string"),
    ])
    func malformedInputFailsAtTheRightByte(_ text: String, _ offset: Int, _ reason: String) {
        #expect(throws: JSONParser.Failure(offset: offset, reason: reason), "\(text)") { try JSONParser.parse(text) }
    }

    @Test func failureNamesTheByte() {
        #expect(JSONParser.Failure(offset: 7, reason: "expected ':'").description == "invalid JSON at byte 7: expected ':'")
        #expect(throws: JSONParser.Failure(offset: 0, reason: "expected an object")) { try JSONValue.object(parsing: "[1]") }
    }
}
