import Testing

@testable import JobQueue

@Suite("Mailbox (no database)")
struct MailboxTests {
    @Test("events posted before next() come back together, in order")
    func queuedEventsComeBackTogether() async {
        let mailbox = Mailbox<Int>()
        for value in 1...5 { mailbox.post(value) }
        #expect(await mailbox.next(until: .now + .seconds(5)) == [1, 2, 3, 4, 5])
    }

    @Test("a past deadline with nothing queued returns at once, empty")
    func pastDeadlineReturnsEmpty() async {
        let mailbox = Mailbox<Int>()
        #expect(await mailbox.next(until: .now - .seconds(1)) == [])
    }

    @Test("a waiter is woken by a post from another task, before its deadline")
    func waiterWakesOnPost() async {
        let mailbox = Mailbox<String>()
        let poster = Task {
            try? await Task.sleep(for: .milliseconds(50))
            mailbox.post("wake")
        }
        let started = ContinuousClock.now
        let events = await mailbox.next(until: .now + .seconds(30))
        #expect(events == ["wake"])
        #expect(ContinuousClock.now - started < .seconds(30))
        await poster.value
    }

    @Test("the deadline ends a wait with no events, and a later post is kept for the next call")
    func deadlineThenLaterPost() async {
        let mailbox = Mailbox<Int>()
        let started = ContinuousClock.now
        #expect(await mailbox.next(until: .now + .milliseconds(30)) == [])
        #expect(ContinuousClock.now - started >= .milliseconds(30))
        mailbox.post(7)
        #expect(await mailbox.next(until: .now) == [7])
        #expect(await mailbox.next(until: .now) == [])
    }
}
