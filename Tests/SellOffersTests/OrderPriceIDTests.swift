import SellOffers
import TestSupport
import Testing

/// `order_price_id` and `aggregate_id` are PostgreSQL's `sha256()` of the
/// canonical JSON in lowercase hex. These vectors pin the digest the ids are
/// made with (the same ones the hand-written Swift SHA-256 was checked
/// against, so ids stored before the change stay the same).
@Suite(.serialized) struct OrderPriceIDTests {
    func digests(_ texts: [String]) async throws -> [String] {
        let harness = try await SellOfferHarness.make("sha", seed: false)
        var digests: [String] = []
        try await withTeardown(await harness.close()) {
            digests = try await OrderPriceService.hexDigests(texts, database: harness.pool)
        }
        return digests
    }

    @Test func fipsVectors() async throws {
        let digests = try await digests([
            "", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            String(repeating: "a", count: 1_000_000),
        ])
        #expect(
            digests == [
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            ])
    }

    /// Lengths around the 55/56/64-byte padding boundaries, and non-ASCII
    /// text (hashed as its UTF-8 bytes), against known digests.
    @Test func paddingBoundariesAndUTF8() async throws {
        let digests = try await digests([
            String(repeating: "a", count: 55), String(repeating: "a", count: 56),
            String(repeating: "a", count: 64), "é",
        ])
        #expect(
            digests == [
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
                "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
                "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
                "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c",
            ])
    }
}
