import Foundation
import Gzip
import Testing

/// zlib through the CZlib system library: round trips, and precise errors for bytes that are not gzip.
@Suite("Gzip")
struct GzipTests {
    @Test func roundTripsAndInteroperatesWithTheGzipTool() async throws {
        let text = Data(String(repeating: "{\"sku\": \"A1\", \"quantity\": 12}\n", count: 20_000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(try Gzip.decompress(compressed) == text)
        #expect(try Gzip.decompress(Gzip.compress(Data())) == Data())
        // The system's gzip reads what we write.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString).gz")
        try compressed.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-t", file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func garbageIsInvalidData() {
        #expect(throws: GzipError.invalidData(reason: "no gzip magic number", firstBytes: "3c 21 44 4f 43 54 59 50")) {
            try Gzip.decompress(Data("<!DOCTYPE html>".utf8))
        }
        #expect(throws: GzipError.invalidData(reason: "no gzip magic number", firstBytes: "none, the body is empty")) {
            try Gzip.decompress(Data())
        }
    }

    @Test func corruptAndTruncatedStreamsSayWhich() throws {
        let compressed = try Gzip.compress(Data(String(repeating: "report ", count: 1_000).utf8))
        #expect(throws: GzipError.truncated(inputBytes: compressed.count / 2)) {
            try Gzip.decompress(compressed.prefix(compressed.count / 2))
        }
        var corrupt = compressed
        corrupt[corrupt.count - 6] ^= 0xff  // inside the CRC32 trailer
        do {
            _ = try Gzip.decompress(corrupt)
            Issue.record("expected a CRC error")
        } catch {
            guard case .invalidData(let reason, _) = error else { Issue.record("got \(error)"); return }
            #expect(reason == "incorrect data check")
        }
    }

    @Test func outputLimitStopsABomb() throws {
        let bomb = try Gzip.compress(Data(count: 5_000_000))
        #expect(throws: GzipError.outputTooLarge(limit: 1_000_000)) { try Gzip.decompress(bomb, limit: 1_000_000) }
    }
}
