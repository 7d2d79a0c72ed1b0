/// Jobs that may share one batch handler call: same type, same account.
struct BatchKey: Hashable {
    let jobType: String
    let accountID: Int64?
}
