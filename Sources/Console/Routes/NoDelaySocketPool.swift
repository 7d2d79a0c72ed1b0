import FlyingFox
import FlyingSocks

#if canImport(Glibc)
    import Glibc
#endif

/// FlyingFox's socket pool with Nagle's algorithm turned off on every socket
/// it waits on. FlyingFox writes a response's header and body in two writes;
/// with Nagle on, the body waits for the client to ACK the header, and a
/// client on a kept-alive connection delays that ACK by up to 40 ms. Measured
/// with curl on one connection: 0.6 ms for the first response, 44 ms for each
/// after it, on every page a browser loads. A listening or connected socket
/// that waits for data first passes through `suspendSocket`, which sets
/// TCP_NODELAY (connections accepted from the listener inherit it on Linux).
struct NoDelaySocketPool: AsyncSocketPool {
    let base: any AsyncSocketPool

    func prepare() async throws { try await base.prepare() }

    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        // A failure (a socket that is not TCP) changes nothing worth stopping for.
        try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY)))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}
