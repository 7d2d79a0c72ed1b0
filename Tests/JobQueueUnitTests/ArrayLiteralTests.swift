import Testing

@testable import JobQueue

@Suite("ArrayLiteral (no database)")
struct ArrayLiteralTests {
    @Test("integers, empty arrays and NULLs")
    func integersAndNulls() {
        var ids = ArrayLiteral()
        #expect(ids.postgresText == "{}")
        ids.append(integer: 1)
        ids.append(integer: -42)
        ids.append(integer: Int64.max)
        #expect(ids.postgresText == "{1,-42,9223372036854775807}")
        var texts = ArrayLiteral()
        texts.append(nil)
        texts.append("a")
        #expect(texts.postgresText == "{NULL,\"a\"}")
    }

    @Test("strings are quoted; quotes and backslashes are escaped, everything else copied as is")
    func quoting() {
        var texts = ArrayLiteral()
        texts.append("plain text, with {braces} and commas")
        texts.append(#"say "hi" \ bye"#)
        texts.append("NULL")
        texts.append("")
        texts.append("ünïcødé 🚀")
        #expect(texts.postgresText == #"{"plain text, with {braces} and commas","say \"hi\" \\ bye","NULL","","ünïcødé 🚀"}"#)
    }
}
