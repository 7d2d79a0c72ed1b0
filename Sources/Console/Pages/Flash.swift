/// Messages shown after an action's redirect (`?done=<code>`). Only these
/// fixed texts: a link cannot make the console show words of its choosing.
enum Flash {
    static let messages: [String: String] = [
        "run-now": "The job is due now; a worker will pick it up.",
        "retry": "The job is pending again with its attempts reset.",
        "cancel": "The job is cancelled.",
        "set-done": "The job is set done; the action is recorded.",
        "retry-failed": "The failed jobs of this type are pending again.",
        "settings": "Settings saved.",
        "ack": "Acknowledged.",
        "schedule": "Schedule changed.",
        "enqueued": "The job is enqueued; its page shows the outcome.",
    ]
}
