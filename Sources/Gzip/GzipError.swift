/// Why zlib refused some bytes. The description is written to be quoted after
/// a context such as "report is not valid gzip: ", so it never repeats that
/// prefix and never contains the data itself (which may be large or binary).
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a gzip stream (bad magic, bad header, corrupt deflate data, bad CRC).
    case invalidData(reason: String, firstBytes: String)
    /// The stream stopped before its end marker: a cut-off download.
    case truncated(inputBytes: Int)
    /// Inflating would exceed the caller's limit: a gzip bomb or a wrong file.
    case outputTooLarge(limit: Int)
    /// zlib itself failed (out of memory, version mismatch): not the data's fault.
    case zlib(function: String, code: Int32)

    public var description: String {
        switch self {
        case .invalidData(let reason, let firstBytes):
            return "\(reason) (first bytes: \(firstBytes))"
        case .truncated(let inputBytes):
            return "the stream ends early, after \(inputBytes) bytes, without its gzip trailer"
        case .outputTooLarge(let limit):
            return "it inflates to more than \(limit) bytes"
        case .zlib(let function, let code):
            return "zlib \(function) failed with code \(code)"
        }
    }
}
