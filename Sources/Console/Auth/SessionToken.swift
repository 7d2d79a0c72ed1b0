/// Random tokens for session cookies and CSRF fields: 256 bits from the
/// system's CSPRNG (`SystemRandomNumberGenerator` reads getrandom(2) on Linux
/// and arc4random on Darwin), as 64 hex digits. The database keeps only the
/// SHA-256 of a session token (`digest()` in migration 0012).
public enum SessionToken {
    /// A fresh token.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Whether a string looks like a token, checked before it reaches SQL.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Compares in time independent of where the strings differ, so a CSRF
    /// check leaks nothing through timing.
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
