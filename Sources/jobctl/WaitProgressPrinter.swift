import Foundation
import JobQueue
import Synchronization

/// The live progress of `--wait`. On a terminal one line is redrawn in place
/// (carriage return, padded over the previous text) whenever it changes; when
/// stdout is a pipe or a file, each change is a plain line of its own, at most
/// one a second, so logs stay short and free of control characters.
final class WaitProgressPrinter: Sendable {
    /// Whether stdout is a terminal, decided once.
    let terminal: Bool
    /// The shortest time between two plain lines.
    let plainInterval: Duration
    private let state = Mutex(State())

    private struct State {
        /// The text on screen (terminal) or printed last (plain).
        var shown: String?
        /// A changed text not printed yet (plain mode, throttled).
        var held: String?
        var lastPlain: ContinuousClock.Instant?
        /// Terminal: a line is drawn and needs its newline at the end.
        var open = false
    }

    init(terminal: Bool = isatty(STDOUT_FILENO) != 0, plainInterval: Duration = .seconds(1)) {
        self.terminal = terminal
        self.plainInterval = plainInterval
    }

    /// One poll of the waited-for job.
    func update(_ job: JobAdmin.WaitingJob) {
        let line = Self.line(job)
        let output: String? = state.withLock { state in
            if terminal {
                guard line != state.shown else { return nil }
                let padding = String(repeating: " ", count: max(0, (state.shown?.count ?? 0) - line.count))
                state.shown = line
                state.open = true
                return "\r" + line + padding
            }
            if line != state.shown { state.held = line }
            guard let held = state.held else { return nil }
            if let last = state.lastPlain, ContinuousClock.now - last < plainInterval { return nil }
            state.held = nil
            state.shown = held
            state.lastPlain = .now
            return held + "\n"
        }
        if let output { Self.write(output) }
    }

    /// `update` as the callback `JobAdmin.waitForJob` takes.
    var observer: @Sendable (JobAdmin.WaitingJob) -> Void {
        { [self] job in update(job) }
    }

    /// Ends the live line (terminal) before the result is printed.
    func end() {
        let close = state.withLock { state in
            defer { state.open = false }
            return state.open
        }
        if close { Self.write("\n") }
    }

    /// "job 12 running (attempt 1): 7/20 pages (35%) [#######-------------]".
    static func line(_ job: JobAdmin.WaitingJob) -> String {
        var text = "job \(job.id) \(job.state)"
        if job.state == JobState.pending.rawValue {
            return text + (job.attempts > 0 ? " (retrying after attempt \(job.attempts))" : ": waiting for a worker")
        }
        text += " (attempt \(job.attempts))"
        guard let progress = job.progress else { return text }
        text += ": " + progress.text
        if let percent = progress.percent {
            let filled = percent / 5
            text += " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "]"
        }
        return text
    }

    /// To stdout, flushed at once: stdout is buffered when it is a pipe, and a
    /// live line must show now. (`fflush(nil)` flushes every stream, stdout
    /// included, without touching the global `stdout`.)
    private static func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }
}
