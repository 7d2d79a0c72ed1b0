import CZlib
import Foundation

/// gzip (RFC 1952) through the system zlib: Amazon serves processing reports
/// gzipped, and the simulator serves them the same way. Foundation on Linux has
/// no gzip, and zlib is on every Debian machine (`zlib1g-dev` for the headers).
public enum Gzip {
    /// zlib's `windowBits` for "gzip wrapper only, 32 KiB window".
    private static let gzipWindowBits: Int32 = 15 + 16
    private static let chunk = 64 * 1024

    /// Inflates one gzip stream. Bytes after the end of the first member are
    /// ignored, as `gzip -d` does with trailing zeros.
    /// - Parameter limit: the most bytes the result may have (default 1 GiB).
    public static func decompress(_ data: Data, limit: Int = 1 << 30) throws(GzipError) -> Data {
        guard data.count >= 2, data[data.startIndex] == 0x1f, data[data.startIndex + 1] == 0x8b else {
            throw .invalidData(reason: "no gzip magic number", firstBytes: hexPrefix(data))
        }
        var stream = z_stream()
        var status = inflateInit2_(&stream, gzipWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(function: "inflateInit2", code: status) }
        defer { inflateEnd(&stream) }

        var output = Data()
        var buffer = [UInt8](repeating: 0, count: chunk)
        let input = [UInt8](data)
        var failure: GzipError?
        input.withUnsafeBufferPointer { inputPointer in
            stream.next_in = UnsafeMutablePointer(mutating: inputPointer.baseAddress)
            stream.avail_in = uInt(inputPointer.count)
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                if output.count + produced > limit { failure = .outputTooLarge(limit: limit); return }
                output.append(contentsOf: buffer[0..<produced])
                switch status {
                case Z_OK, Z_STREAM_END:
                    break
                case Z_BUF_ERROR where stream.avail_in == 0:
                    failure = .truncated(inputBytes: input.count); return
                case Z_DATA_ERROR, Z_NEED_DICT:
                    let message = stream.msg.map { String(cString: $0) } ?? "corrupt deflate data"
                    failure = .invalidData(reason: message, firstBytes: hexPrefix(data)); return
                default:
                    failure = .zlib(function: "inflate", code: status); return
                }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                    failure = .truncated(inputBytes: input.count); return
                }
            } while status != Z_STREAM_END
        }
        if let failure { throw failure }
        return output
    }

    /// Deflates `data` into one gzip member (default compression level).
    public static func compress(_ data: Data, level: Int32 = Z_DEFAULT_COMPRESSION) throws(GzipError) -> Data {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, level, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .zlib(function: "deflateInit2", code: status) }
        defer { deflateEnd(&stream) }

        var output = Data()
        var buffer = [UInt8](repeating: 0, count: chunk)
        let input = [UInt8](data)
        input.withUnsafeBufferPointer { inputPointer in
            stream.next_in = UnsafeMutablePointer(mutating: inputPointer.baseAddress)
            stream.avail_in = uInt(inputPointer.count)
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return deflate(&stream, Z_FINISH)
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw .zlib(function: "deflate", code: status) }
        return output
    }

    /// The first bytes as hex, so an error shows what arrived instead (`3c 21 44 4f` is an HTML page).
    static func hexPrefix(_ data: Data, count: Int = 8) -> String {
        if data.isEmpty { return "none, the body is empty" }
        return data.prefix(count).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}
