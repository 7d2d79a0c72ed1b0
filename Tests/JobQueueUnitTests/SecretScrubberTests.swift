import Foundation
import Testing

@testable import JobQueue

@Suite("SecretScrubber (no database)")
struct SecretScrubberTests {
    @Test("every secret is replaced in errors, notes and results; release and discard pass through")
    func scrubsEverywhere() {
        let scrubber = SecretScrubber(secrets: ["s3cret", "k3y"])
        #expect(
            scrubber.scrub(.failed(error: "apikey s3cret refused, k3y too"))
                == .failed(error: "apikey [redacted] refused, [redacted] too"))
        let at = Date()
        #expect(scrubber.scrub(.retry(error: "s3cret", at: at)) == .retry(error: "[redacted]", at: at))
        #expect(scrubber.scrub(.snooze(note: "k3y", until: at)) == .snooze(note: "[redacted]", until: at))
        #expect(
            scrubber.scrub(.done(result: Data(#"{"used":"s3cret"}"#.utf8))) == .done(result: Data(#"{"used":"[redacted]"}"#.utf8))
        )
        #expect(scrubber.scrub(.release) == .release)
        #expect(SecretScrubber(secrets: []).scrub(.failed(error: "s3cret")) == .failed(error: "s3cret"))
    }
}
